package dev.frugal.routing.quality;

import dev.frugal.core.Price;
import dev.frugal.wire.Csv;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * How well each candidate model answered each of a set of prompts: the examples a route learns from,
 * or a labelled test set to evaluate it on. Parsed from CSV (RFC 4180, so a prompt may hold commas,
 * quotes and line breaks) with a header row; columns are found by name, ignoring case and surrounding
 * blanks, in any order, and columns not named below are ignored:
 * <ul>
 *   <li>{@code prompt}: the prompt's text (required, not blank);</li>
 *   <li>{@code <candidate>_correct}: for each candidate, 0 or 1, or a score from 0 to 1 (required);</li>
 *   <li>{@code <candidate>_cost_usd}: what the answer cost, in USD (optional; an empty cell is unknown);</li>
 *   <li>{@code <candidate>_input_tokens} and {@code <candidate>_output_tokens} (or {@code _est_input_tokens},
 *       {@code _est_output_tokens}): token counts, to price a row without a cost by a candidate's price
 *       (optional).</li>
 * </ul>
 * Immutable.
 */
public final class OutcomeTable {
    /** At most this many problems are listed in an {@link InvalidOutcomes}; the rest are counted. */
    static final int MAX_PROBLEMS = 20;
    /** A cost or token count that the table does not give. */
    public static final long UNKNOWN = -1;

    private final List<String> candidates;
    private final List<String> prompts;
    private final int[] lines;
    private final double[] scores;    // rows × candidates
    private final long[] costNanos;   // rows × candidates, UNKNOWN when not given
    private final long[] inputTokens; // rows × candidates, UNKNOWN when not given
    private final long[] outputTokens;

    private OutcomeTable(List<String> candidates, List<String> prompts, int[] lines, double[] scores, long[] costNanos,
                         long[] inputTokens, long[] outputTokens) {
        this.candidates = candidates;
        this.prompts = prompts;
        this.lines = lines;
        this.scores = scores;
        this.costNanos = costNanos;
        this.inputTokens = inputTokens;
        this.outputTokens = outputTokens;
    }

    /**
     * Parses a table for these candidates (the route's model names).
     *
     * @throws InvalidOutcomes listing the problems, each with its row and column: a missing column, a
     *                         row of the wrong width, a blank prompt, a score outside 0..1, a negative or
     *                         unreadable cost or token count, no rows at all
     * @throws IllegalArgumentException when {@code candidates} is empty or names a model twice
     */
    public static OutcomeTable parse(String csv, List<String> candidates) {
        if (candidates.isEmpty()) throw new IllegalArgumentException("no candidates");
        Map<String, Integer> wanted = new HashMap<>();
        for (String c : candidates) {
            if (wanted.put(key(c), wanted.size()) != null) throw new IllegalArgumentException("candidate " + c + " given twice");
        }
        Problems problems = new Problems();
        List<String> csvProblems = new ArrayList<>();
        List<Csv.Record> records = Csv.read(csv, csvProblems);
        csvProblems.forEach(problems::add);
        if (records.isEmpty()) {
            problems.add("the table is empty: give a header row (prompt, <candidate>_correct, …) and a row per prompt");
            throw problems.failure();
        }
        Columns col = new Columns(records.get(0).fields(), candidates, problems);
        if (records.size() == 1) problems.add("no rows under the header");
        problems.throwIfAny();

        int n = records.size() - 1;
        int k = candidates.size();
        List<String> prompts = new ArrayList<>(n);
        int[] lines = new int[n];
        double[] scores = new double[n * k];
        long[] cost = new long[n * k];
        long[] in = new long[n * k];
        long[] out = new long[n * k];
        int width = records.get(0).fields().size();
        for (int r = 0; r < n; r++) {
            Csv.Record rec = records.get(r + 1);
            lines[r] = rec.line();
            String at = "row " + (r + 1) + " (line " + rec.line() + ")";
            List<String> f = rec.fields();
            if (f.size() != width) {
                problems.add(at + ": " + f.size() + " fields, but the header has " + width);
                prompts.add("");
                continue;
            }
            String prompt = f.get(col.prompt);
            if (prompt.isBlank()) problems.add(at + ", column 'prompt': the prompt is blank");
            prompts.add(prompt);
            for (int c = 0; c < k; c++) {
                int i = r * k + c;
                scores[i] = score(f, col.correct[c], col.names, at, problems);
                cost[i] = number(f, col.cost[c], 9, col.names, at, "a cost in USD", problems);
                in[i] = number(f, col.input[c], 0, col.names, at, "a token count", problems);
                out[i] = number(f, col.output[c], 0, col.names, at, "a token count", problems);
            }
        }
        problems.throwIfAny();
        return new OutcomeTable(List.copyOf(candidates), List.copyOf(prompts), lines, scores, cost, in, out);
    }

    /**
     * A table of some of these rows, in the order given: e.g. examples and a test set split from one file.
     *
     * @throws IndexOutOfBoundsException for an index outside the table
     */
    public OutcomeTable rows(int[] indices) {
        int k = candidates.size();
        List<String> p = new ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        double[] s = new double[indices.length * k];
        long[] cost = new long[s.length], in = new long[s.length], out = new long[s.length];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            p.add(prompts.get(r));
            l[i] = lines[r];
            System.arraycopy(scores, r * k, s, i * k, k);
            System.arraycopy(costNanos, r * k, cost, i * k, k);
            System.arraycopy(inputTokens, r * k, in, i * k, k);
            System.arraycopy(outputTokens, r * k, out, i * k, k);
        }
        return new OutcomeTable(candidates, List.copyOf(p), l, s, cost, in, out);
    }

    /** The candidates, as given to {@link #parse}. */
    public List<String> candidates() {
        return candidates;
    }

    /** The number of rows (prompts). */
    public int size() {
        return prompts.size();
    }

    public String prompt(int row) {
        return prompts.get(row);
    }

    /** The prompts, in row order. */
    public List<String> prompts() {
        return prompts;
    }

    /** The line of the file the row starts on. */
    public int line(int row) {
        return lines[row];
    }

    /** How well {@code candidate} (an index into {@link #candidates()}) answered the row's prompt, 0..1. */
    public double score(int row, int candidate) {
        return scores[row * candidates.size() + candidate];
    }

    /** The answer's cost in nano-USD from {@code <candidate>_cost_usd}, or {@link #UNKNOWN}. */
    public long costNanos(int row, int candidate) {
        return costNanos[row * candidates.size() + candidate];
    }

    /** The row's input token count for {@code candidate} from the table, or {@link #UNKNOWN}. */
    public long inputTokens(int row, int candidate) {
        return inputTokens[row * candidates.size() + candidate];
    }

    /** The row's output token count for {@code candidate} from the table, or {@link #UNKNOWN}. */
    public long outputTokens(int row, int candidate) {
        return outputTokens[row * candidates.size() + candidate];
    }

    /**
     * Every row's cost for every candidate in nano-USD: the table's cost when it gives one, else the
     * candidate's price applied to the row's token counts; the prompt's tokens, when the table has no
     * input count, are {@code promptTokens} of its text.
     *
     * @param prices one per candidate (null: the table must give that candidate's costs)
     * @return rows × candidates, row-major
     * @throws IllegalArgumentException naming the first row and candidate that has neither a cost nor a
     *                                  price and an output token count
     */
    public long[] costsNanos(List<Price> prices, ToLongFunction<String> promptTokens) {
        int k = candidates.size();
        if (prices.size() != k) throw new IllegalArgumentException(prices.size() + " prices for " + k + " candidates");
        long[] out = new long[costNanos.length];
        for (int r = 0; r < size(); r++) {
            long estimatedPrompt = UNKNOWN;
            for (int c = 0; c < k; c++) {
                int i = r * k + c;
                if (costNanos[i] != UNKNOWN) {
                    out[i] = costNanos[i];
                    continue;
                }
                Price p = prices.get(c);
                if (p == null || outputTokens[i] == UNKNOWN) {
                    throw new IllegalArgumentException("row " + (r + 1) + " (line " + lines[r] + ") has no cost for "
                            + candidates.get(c) + ": give " + candidates.get(c) + "_cost_usd, or a price and "
                            + candidates.get(c) + "_output_tokens");
                }
                long input = inputTokens[i];
                if (input == UNKNOWN) {
                    if (estimatedPrompt == UNKNOWN) estimatedPrompt = promptTokens.applyAsLong(prompts.get(r));
                    input = estimatedPrompt;
                }
                // micro-USD per million tokens = nano-USD per thousand tokens
                out[i] = Math.round((input * (double) p.input() + outputTokens[i] * (double) p.output()) / 1000.0);
            }
        }
        return out;
    }

    private static double score(List<String> f, int column, List<String> names, String at, Problems problems) {
        String v = f.get(column).trim();
        BigDecimal d = decimal(v);
        if (d == null || d.signum() < 0 || d.compareTo(BigDecimal.ONE) > 0) {
            problems.add(at + ", column '" + names.get(column) + "': '" + v + "' is not 0, 1 or a score from 0 to 1");
            return 0;
        }
        return d.doubleValue();
    }

    /** A non-negative number moved {@code scale} places right and rounded (nano-USD, token counts), or UNKNOWN. */
    private static long number(List<String> f, int column, int scale, List<String> names, String at, String what,
                               Problems problems) {
        if (column < 0) return UNKNOWN;
        String v = f.get(column).trim();
        if (v.isEmpty()) return UNKNOWN;
        BigDecimal d = decimal(v);
        try {
            if (d != null && d.signum() >= 0) return d.movePointRight(scale).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException tooLarge) {
            // reported below
        }
        problems.add(at + ", column '" + names.get(column) + "': '" + v + "' is not " + what);
        return UNKNOWN;
    }

    /** A plain decimal number ({@code 1}, {@code 0.25}, {@code 1e-3}), or null: no NaN, infinity or hex. */
    private static BigDecimal decimal(String v) {
        if (v.isEmpty() || v.length() > 40) return null;
        try {
            return new BigDecimal(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /** Where each column the table needs sits in the header; -1 for an optional column that is absent. */
    private static final class Columns {
        final List<String> names;
        final int prompt;
        final int[] correct;
        final int[] cost;
        final int[] input;
        final int[] output;
        private final Map<String, Integer> at = new HashMap<>();
        private final Set<String> twice = new HashSet<>();
        private final Problems problems;

        Columns(List<String> header, List<String> candidates, Problems problems) {
            names = header;
            for (int i = 0; i < header.size(); i++) {
                if (at.putIfAbsent(key(header.get(i)), i) != null) twice.add(key(header.get(i)));
            }
            this.problems = problems;
            prompt = required("prompt");
            int k = candidates.size();
            correct = new int[k];
            cost = new int[k];
            input = new int[k];
            output = new int[k];
            for (int c = 0; c < k; c++) {
                String m = key(candidates.get(c));
                correct[c] = required(m + "_correct");
                cost[c] = optional(m + "_cost_usd");
                input[c] = optional(m + "_input_tokens");
                if (input[c] < 0) input[c] = optional(m + "_est_input_tokens");
                output[c] = optional(m + "_output_tokens");
                if (output[c] < 0) output[c] = optional(m + "_est_output_tokens");
            }
        }

        private int required(String name) {
            int i = optional(name);
            if (i < 0 && !twice.contains(name)) problems.add("line 1: no column '" + name + "'");
            return i;
        }

        /** The column's index, or -1 when absent (or given twice, which is a problem). */
        private int optional(String name) {
            if (twice.contains(name)) {
                problems.add("line 1: column '" + name + "' appears twice");
                return -1;
            }
            return at.getOrDefault(name, -1);
        }
    }

    /** The problems found, the first {@link #MAX_PROBLEMS} kept. */
    private static final class Problems {
        private final List<String> listed = new ArrayList<>();
        private int count;

        void add(String problem) {
            if (count++ < MAX_PROBLEMS) listed.add(problem);
        }

        void throwIfAny() {
            if (count > 0) throw failure();
        }

        InvalidOutcomes failure() {
            return new InvalidOutcomes(listed, count);
        }
    }
}
