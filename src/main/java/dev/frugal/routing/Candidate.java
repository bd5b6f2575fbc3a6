package dev.frugal.routing;

/**
 * One deployment a request could go to, as the planner considered it: kept (in the plan) or dropped
 * and why, with the scores the decision read.
 *
 * @param attempt    the deployment; its provider is null when dropped as {@link DropReason#UNKNOWN_PROVIDER},
 *                   its deployment too when {@link DropReason#UNKNOWN_MODEL}
 * @param dropped    why it was left out, or null when kept
 * @param detail     the fact behind the reason (the operation asked for, the missing provider's name), or null
 * @param costMicros see {@link Option#costMicros()}
 * @param quality    see {@link Option#quality()}
 */
public record Candidate(Attempt attempt, DropReason dropped, String detail, long costMicros, double quality)
        implements Option {

    static Candidate kept(Attempt attempt, long costMicros) {
        return new Candidate(attempt, null, null, costMicros, Double.NaN);
    }

    static Candidate dropped(Attempt attempt, DropReason reason, String detail, long costMicros) {
        return new Candidate(attempt, reason, detail, costMicros, Double.NaN);
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
        return new Candidate(attempt, dropped, detail, costMicros, q);
    }
}
