package dev.frugal.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a request's plan is what it is: every deployment considered, kept (in the order tried) or
 * dropped and why, with the scores the strategy read. The explain endpoint renders it whole from these
 * accessors; the ledger keeps its {@link #compact()} form. Immutable.
 *
 * @param requested  the model or route name the client asked for
 * @param route      the route, or null when the client named a model
 * @param strategy   what ordered the candidates: the route's objective with its settings
 *                   ({@code cheapest min-quality=0.7}), else the model's strategy
 * @param candidates the kept candidates in the plan's order (the first is the choice, the rest are
 *                   fallbacks), then the dropped ones in configured order
 * @param rule       the name of the rule that sent the request to the route, or null
 */
public record Decision(String requested, String route, String strategy, List<Candidate> candidates, String rule) {
    /** The longest {@link #compact()} form, in characters. */
    public static final int COMPACT_MAX = 512;

    public Decision(String requested, String route, String strategy, List<Candidate> candidates) {
        this(requested, route, strategy, candidates, null);
    }

    /** The first choice, or null when nothing was kept. */
    public Candidate chosen() {
        return candidates.isEmpty() || !candidates.get(0).kept() ? null : candidates.get(0);
    }

    /** The first kept deployment of {@code model}, or null. */
    public Candidate keptOf(String model) {
        for (Candidate c : candidates) if (c.kept() && c.model().equals(model)) return c;
        return null;
    }

    /** The candidates kept, first choice first. */
    public List<Candidate> kept() {
        List<Candidate> kept = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) if (c.kept()) kept.add(c);
        return kept;
    }

    /**
     * One line of at most {@link #COMPACT_MAX} characters (cut with an ellipsis): the strategy (and the
     * rule that chose the route), the kept deployments by model in the order tried with their scores, and
     * the dropped ones with their reason code. For example {@code cheapest rule=interns: cheap [a/cheap-a
     * cost=100 quality=0.62], strong [a/strong-a cost=900, b/strong-b cost=500], free [b/free-b
     * cost=unpriced]; dropped: minilm [embed unsupported_operation]}. A deployment is
     * {@code provider/upstream-model} (the provider alone when it names no model; nothing for an
     * {@linkplain Shortlist#offline offline} candidate); costs are the request's
     * estimated cost in micro-USD, {@code ttft} the moving average of time to first token.
     */
    public String compact() {
        StringBuilder b = new StringBuilder(96).append(strategy);
        if (rule != null) b.append(" rule=").append(rule);
        b.append(':');
        String open = null; // the model whose bracket is open
        boolean dropping = false;
        if (candidates.isEmpty() || !candidates.get(0).kept()) b.append(" none");
        for (Candidate c : candidates) {
            if (!c.kept() && !dropping) {
                if (open != null) b.append(']');
                b.append("; dropped:");
                open = null;
                dropping = true;
            }
            if (c.model().equals(open)) {
                b.append(", ");
            } else {
                if (open != null) b.append("],");
                b.append(' ').append(c.model()).append(" [");
                open = c.model();
            }
            appendCandidate(b, c);
            if (b.length() > COMPACT_MAX) break;
        }
        if (open != null) b.append(']');
        if (b.length() > COMPACT_MAX) {
            int cut = COMPACT_MAX - 1;
            if (Character.isHighSurrogate(b.charAt(cut - 1))) cut--; // never split a character in two
            b.setLength(cut);
            b.append('…');
        }
        return b.toString();
    }

    private static void appendCandidate(StringBuilder b, Candidate c) {
        var d = c.attempt().deployment();
        String sep = "";
        if (d != null) {
            b.append(d.provider());
            if (d.upstreamModel() != null) b.append('/').append(d.upstreamModel());
            sep = " ";
        }
        if (!c.kept()) {
            b.append(sep).append(c.dropped().code());
            return;
        }
        if (c.costMicros() == RoutePlanner.UNPRICED) {
            b.append(sep).append("cost=unpriced");
            sep = " ";
        } else if (c.costMicros() >= 0) {
            b.append(sep).append("cost=").append(c.costMicros());
            sep = " ";
        }
        if (!Double.isNaN(c.quality())) {
            long hundredths = Math.round(c.quality() * 100);
            b.append(sep).append("quality=").append(hundredths / 100).append('.');
            if (hundredths % 100 < 10) b.append('0');
            b.append(hundredths % 100);
        }
        if (!Double.isNaN(c.firstTokenMs())) b.append(" ttft=").append(Math.round(c.firstTokenMs())).append("ms");
    }
}
