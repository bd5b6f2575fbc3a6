package dev.frugal.routing.quality;

import java.util.List;

/**
 * An outcome table that cannot be used, with every problem found (up to a limit), each naming its row
 * and column, e.g. {@code row 12 (line 14), column 'gpt-4o_correct': 'yes' is not 0, 1 or a score from 0 to 1}.
 */
public final class InvalidOutcomes extends IllegalArgumentException {
    private final List<String> problems;
    private final int count;

    InvalidOutcomes(List<String> problems, int count) {
        super(message(problems, count));
        this.problems = List.copyOf(problems);
        this.count = count;
    }

    /** The problems listed (at most {@link OutcomeTable#MAX_PROBLEMS}), in the order found. */
    public List<String> problems() {
        return problems;
    }

    /** How many problems were found, listed or not. */
    public int count() {
        return count;
    }

    private static String message(List<String> problems, int count) {
        StringBuilder b = new StringBuilder(count == 1 ? "The outcome table has a problem: "
                : "The outcome table has " + count + " problems: ");
        b.append(String.join("; ", problems));
        if (count > problems.size()) b.append("; and ").append(count - problems.size()).append(" more");
        return b.append('.').toString();
    }
}
