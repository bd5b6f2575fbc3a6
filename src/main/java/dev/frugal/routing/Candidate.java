package dev.frugal.routing;

/**
 * One deployment a request could go to, as the planner considered it: kept (in the plan) or dropped
 * and why, with the scores the decision read.
 *
 * @param attempt      the deployment; its provider is null when dropped as {@link DropReason#UNKNOWN_PROVIDER},
 *                     its deployment too when the whole model was dropped ({@link DropReason#UNKNOWN_MODEL},
 *                     {@link DropReason#TEAM_ACCESS})
 * @param dropped      why it was left out, or null when kept
 * @param detail       the fact behind the reason (the operation asked for, the missing provider's name, the
 *                     capability missing, the tokens against the window, why it is unavailable), or null
 * @param costMicros   see {@link Option#costMicros()}
 * @param quality      see {@link Option#quality()}
 * @param firstTokenMs see {@link Option#firstTokenMs()}
 */
public record Candidate(Attempt attempt, DropReason dropped, String detail, long costMicros, double quality,
                        double firstTokenMs) implements Option {

    public Candidate(Attempt attempt, DropReason dropped, String detail, long costMicros, double quality) {
        this(attempt, dropped, detail, costMicros, quality, Double.NaN);
    }

    static Candidate kept(Attempt attempt, long costMicros) {
        return kept(attempt, costMicros, Double.NaN);
    }

    static Candidate kept(Attempt attempt, long costMicros, double firstTokenMs) {
        return new Candidate(attempt, null, null, costMicros, Double.NaN, firstTokenMs);
    }

    static Candidate dropped(Attempt attempt, DropReason reason, String detail, long costMicros) {
        return new Candidate(attempt, reason, detail, costMicros, Double.NaN, Double.NaN);
    }

    public boolean kept() {
        return dropped == null;
    }

    public String model() {
        return attempt.model();
    }

    @Override
    public int weight() {
        return attempt.deployment() == null ? 0 : attempt.deployment().weight();
    }

    Candidate withQuality(double q) {
        return new Candidate(attempt, dropped, detail, costMicros, q, firstTokenMs);
    }
}
