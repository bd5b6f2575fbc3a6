package dev.frugal.routing.quality;

import dev.frugal.core.Price;
import dev.frugal.core.TimeSource;
import dev.frugal.routing.CheapestStrategy;
import dev.frugal.routing.Shortlist;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The learned-quality benchmark (bench/quality.sh; docs/benchmarks.md): offline evaluations on the shipped
 * outcome data with MiniLM embeddings (cached under target/quality-bench), the estimator's time per request,
 * and MiniLM's time per prompt. Not a test: run by hand ({@code bench/quality.sh}).
 */
public final class QualityBench {
    static final Path CACHE = Path.of("target/quality-bench");
    static final Path DATA = Path.of(System.getProperty("frugal.bench.data", "../shared/data/routing-eval"));

    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "all" : args[0];
        switch (what) {
            case "embed" -> { embeddings(gsm8k()); embeddings(mmlu()); }
            case "gsm8k" -> BenchReports.gsm8k();
            case "mmlu" -> BenchReports.mmlu();
            case "cv" -> BenchReports.crossValidate(args.length > 1 ? args[1] : "gsm8k");
            case "timing" -> BenchTiming.run();
            case "all" -> { BenchReports.gsm8k(); BenchReports.mmlu(); BenchTiming.run(); }
            default -> throw new IllegalArgumentException("unknown: " + what);
        }
    }

    /** A data set: its outcome table, and each row's cost per candidate. */
    record Data(String name, OutcomeTable table, long[] costNanos) {
        List<String> prompts() {
            return table.prompts();
        }
    }

    // ---- embeddings ----------------------------------------------------------------------

    private static EmbeddingModel miniLm;

    static synchronized EmbeddingModel miniLm() {
        if (miniLm == null) miniLm = new AllMiniLmL6V2EmbeddingModel();
        return miniLm;
    }

    /** MiniLM embeddings of every prompt of {@code d}, from the cache or computed (and cached). */
    static List<float[]> embeddings(Data d) throws Exception {
        String hash = sha(String.join("\u0000", d.prompts()));
        Path file = CACHE.resolve(d.name() + "." + hash + ".minilm.f32");
        if (Files.exists(file)) return read(file);
        List<float[]> out = new ArrayList<>(d.prompts().size());
        long t0 = TimeSource.SYSTEM.nanoTime();
        int batch = 64;
        for (int i = 0; i < d.prompts().size(); i += batch) {
            List<TextSegment> segs = new ArrayList<>();
            for (String p : d.prompts().subList(i, Math.min(d.prompts().size(), i + batch))) segs.add(TextSegment.from(p));
            for (var e : miniLm().embedAll(segs).content()) out.add(e.vector());
            System.err.printf(Locale.ROOT, "\r%s: embedded %d/%d (%.0f s)", d.name(), out.size(), d.prompts().size(),
                    (TimeSource.SYSTEM.nanoTime() - t0) / 1e9);
        }
        System.err.println();
        write(file, out);
        return out;
    }

    private static List<float[]> read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int n = in.readInt(), dims = in.readInt();
            List<float[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] v = new float[dims];
                for (int j = 0; j < dims; j++) v[j] = in.readFloat();
                out.add(v);
            }
            return out;
        }
    }

    private static void write(Path file, List<float[]> vectors) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(vectors.size());
            out.writeInt(vectors.get(0).length);
            for (float[] v : vectors) for (float x : v) out.writeFloat(x);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    }

    // ---- data ----------------------------------------------------------------------------

    static final String MIXTRAL = "mixtral-8x7b-instruct", GPT4 = "gpt-4-1106-preview";

    /** GSM8K, Mixtral against GPT-4-1106 at $0.60/$0.60 and $10/$30 per million tokens, tokens from the est columns. */
    static Data gsm8k() throws IOException {
        OutcomeTable t = OutcomeTable.parse(Files.readString(DATA.resolve("routellm_gsm8k_mixtral_gpt4.csv")), List.of(MIXTRAL, GPT4));
        return new Data("gsm8k", t, t.costsNanos(List.of(price(0.60, 0.60), price(10, 30)), QualityBench::quarterOfChars));
    }

    /**
     * MMLU-Pro's 17 chat and API models (the base models dropped), each priced per million tokens (in / out):
     * the catalog's list price where it has the model, else documented stand-ins (docs/benchmarks.md).
     */
    static final Object[][] MMLU_POOL = {
            {"gemini-3.1-pro-preview", 2.0, 12.0}, {"gpt-4o-2024-05-13", 2.5, 10.0}, {"gemini-1.5-pro-002", 1.25, 5.0},
            {"gemini-1.5-flash-002", 0.075, 0.30}, {"llama-3.1-70b-instruct", 0.23, 0.40}, {"deepseek-v2-chat", 0.28, 0.42},
            {"jamba-1.5-large", 2.0, 8.0}, {"qwen1.5-72b-chat", 0.12, 0.39}, {"llama-3.1-8b-instruct", 0.03, 0.05},
            {"phi-3-mini-4k-instruct", 0.02, 0.04}, {"mixtral-8x7b-instruct", 0.60, 0.60}, {"mathstral-7b", 0.028, 0.054},
            {"command-r-v01", 0.50, 1.50}, {"qwen1.5-7b-chat", 0.04, 0.10}, {"mistral-7b-instruct-v0.2", 0.028, 0.054},
            {"yi-6b-chat", 0.028, 0.054}, {"mistral-7b-instruct-v0.1", 0.028, 0.054}};

    static Data mmlu() throws IOException {
        List<String> models = new ArrayList<>();
        List<Price> prices = new ArrayList<>();
        for (Object[] m : MMLU_POOL) {
            models.add((String) m[0]);
            prices.add(price((Double) m[1], (Double) m[2]));
        }
        OutcomeTable t = OutcomeTable.parse(Files.readString(DATA.resolve("mmlu_pro_31models.csv")), models);
        return new Data("mmlu", t, t.costsNanos(prices, QualityBench::quarterOfChars));
    }

    /** The data files' own token estimate: characters ÷ 4. */
    static long quarterOfChars(String text) {
        return (text.length() + 3) / 4;
    }

    static Price price(double inPerMillion, double outPerMillion) {
        long in = Math.round(inPerMillion * 1e6), out = Math.round(outPerMillion * 1e6);
        return Price.of(Price.Source.CONFIG, in, in, out);
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = from; i < to; i++) r[i - from] = i;
        return r;
    }

    /** Every other row from {@code first}: examples and test sets that cover every subject alike. */
    static int[] alternate(int n, int first) {
        int[] r = new int[(n - first + 1) / 2];
        for (int i = 0; i < r.length; i++) r[i] = first + 2 * i;
        return r;
    }

    // ---- shared helpers ------------------------------------------------------------------

    /** The elements at these indices. */
    static <T> List<T> pick(List<T> all, int[] rows) {
        List<T> out = new ArrayList<>(rows.length);
        for (int r : rows) out.add(all.get(r));
        return out;
    }

    static long[] pickCosts(long[] costs, int k, int[] rows) {
        long[] out = new long[rows.length * k];
        for (int i = 0; i < rows.length; i++) System.arraycopy(costs, rows[i] * k, out, i * k, k);
        return out;
    }

    /** The average cost of each candidate over some rows, in micro-USD: what the route orders candidates by. */
    static long[] meanCostMicros(long[] costs, int k, int rows) {
        long[] out = new long[k];
        for (int c = 0; c < k; c++) {
            long sum = 0;
            for (int r = 0; r < rows; r++) sum += costs[r * k + c];
            out[c] = Math.round(sum / 1000.0 / rows);
        }
        return out;
    }

    /** Each row's prompt features: its embedding and its size (the data files' own estimate, characters ÷ 4). */
    static List<PromptFeatures> features(Data d, List<float[]> embeddings) {
        List<PromptFeatures> out = new ArrayList<>(embeddings.size());
        for (int r = 0; r < embeddings.size(); r++) out.add(new PromptFeatures(embeddings.get(r), quarterOfChars(d.table().prompt(r))));
        return out;
    }

    /** Learns from the examples rows, then evaluates on the test rows, the route ordering by the examples' mean costs. */
    static Evaluation evaluate(Data d, List<PromptFeatures> prompts, int[] examples, int[] test, double[] priors,
                               QualityEstimator.Settings settings, double[] points) {
        QualityEstimator est = QualityEstimator.of(d.table().rows(examples), pick(prompts, examples), priors, settings);
        return evaluate(d, est, d.table().candidates(), examples, test, prompts, points);
    }

    /** Evaluates a route over {@code models} on the test rows, the route ordering by the examples' mean costs. */
    static Evaluation evaluate(Data d, QualityPredictor est, List<String> models, int[] examples, int[] test,
                               List<PromptFeatures> prompts, double[] points) {
        int k = d.table().candidates().size();
        long[] mean = meanCostMicros(pickCosts(d.costNanos(), k, examples), k, examples.length);
        long[] costs = new long[models.size()];
        for (int m = 0; m < costs.length; m++) costs[m] = mean[d.table().candidates().indexOf(models.get(m))];
        Shortlist route = Shortlist.offline(d.name(), CheapestStrategy.INSTANCE, models, costs);
        return OfflineEvaluation.evaluate(route, est, d.table().rows(test), pick(prompts, test), pickCosts(d.costNanos(), k, test),
                points, new SplittableRandom(1));
    }

    static double[] finePoints() {
        return points(1001);
    }

    /** {@code n} operating points evenly from 0 to 1. */
    static double[] points(int n) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = i / (n - 1.0);
        return p;
    }

    static double[] nan(int k) {
        double[] p = new double[k];
        java.util.Arrays.fill(p, Double.NaN);
        return p;
    }

}
