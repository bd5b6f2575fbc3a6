package dev.frugal.routing.quality;

import dev.frugal.core.TimeSource;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Time per request of the estimator (examples × candidates) and of MiniLM (by prompt length), after a
 * warm-up: wall time (medians, tails) and CPU time, which moves less when other builds share the cores.
 */
final class BenchTiming {
    private BenchTiming() {}

    static void run() {
        estimator();
        miniLm();
    }

    static void estimator() {
        System.out.println("## The estimator's time per request (384 dimensions, one thread)\n");
        System.out.println("| examples | candidates | wall median | wall p99 | CPU median |\n|---:|---:|---:|---:|---:|");
        for (int n : new int[] {1_000, 10_000}) {
            for (int k : new int[] {2, 10, 17}) {
                QualityEstimator est = synthetic(n, k, 384, new SplittableRandom(n + k));
                PromptFeatures[] queries = new PromptFeatures[200];
                SplittableRandom r = new SplittableRandom(7);
                for (int i = 0; i < queries.length; i++) queries[i] = new PromptFeatures(unit(384, r), 20 + r.nextInt(500));
                long[][] t = time(est, queries, 2_000);
                System.out.printf(Locale.ROOT, "| %,d | %d | %s | %s | %s |%n", n, k, ms(t[0][t[0].length / 2]),
                        ms(t[0][t[0].length * 99 / 100]), ms(t[1][t[1].length / 2]));
            }
        }
        System.out.println();
    }

    /** Sorted wall times and sorted thread CPU times of single calls. */
    private static long[][] time(QualityEstimator est, PromptFeatures[] queries, int rounds) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double sink = 0;
        for (int i = 0; i < rounds; i++) sink += est.estimate(queries[i % queries.length])[0]; // warm-up
        long[] wall = new long[rounds], used = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long c0 = cpu.getCurrentThreadCpuTime(), t0 = TimeSource.SYSTEM.nanoTime();
            sink += est.estimate(queries[i % queries.length])[0];
            wall[i] = TimeSource.SYSTEM.nanoTime() - t0;
            used[i] = cpu.getCurrentThreadCpuTime() - c0;
        }
        if (sink == 42) System.out.print(""); // keeps the results alive
        Arrays.sort(wall);
        Arrays.sort(used);
        return new long[][] {wall, used};
    }

    /** n random unit vectors with random 0/1 outcomes for k candidates. */
    static QualityEstimator synthetic(int n, int k, int dims, SplittableRandom r) {
        StringBuilder csv = new StringBuilder("prompt");
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            names.add("m" + c);
            csv.append(",m").append(c).append("_correct");
        }
        csv.append('\n');
        List<PromptFeatures> emb = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            csv.append('p').append(i);
            for (int c = 0; c < k; c++) csv.append(',').append(r.nextInt(2));
            csv.append('\n');
            emb.add(new PromptFeatures(unit(dims, r), 20 + r.nextInt(500)));
        }
        double[] priors = new double[k];
        Arrays.fill(priors, 0.5);
        return QualityEstimator.of(OutcomeTable.parse(csv.toString(), names), emb, priors, QualityEstimator.Settings.DEFAULT);
    }

    static float[] unit(int dims, SplittableRandom r) {
        float[] v = new float[dims];
        double s = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
            s += v[i] * v[i];
        }
        for (int i = 0; i < dims; i++) v[i] /= (float) Math.sqrt(s);
        return v;
    }

    static void miniLm() {
        System.out.println("## MiniLM (all-MiniLM-L6-v2, in process) time per prompt, one call at a time\n");
        System.out.println("| words | wall median | wall p90 | process CPU per call (mean) |\n|---:|---:|---:|---:|");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        EmbeddingModel m = QualityBench.miniLm();
        String[] vocabulary = ("the a farmer sells eggs each day at market price dollars how many does she make if he buys "
                + "three more than twice half of total cost per week apples oranges train leaves station speed miles hour").split(" ");
        SplittableRandom r = new SplittableRandom(3);
        for (int words : new int[] {10, 50, 100, 200, 400, 800}) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                StringBuilder b = new StringBuilder();
                for (int w = 0; w < words; w++) b.append(vocabulary[r.nextInt(vocabulary.length)]).append(' ');
                texts.add(b.toString());
            }
            for (String t : texts.subList(0, 5)) m.embed(TextSegment.from(t)); // warm-up
            long[] t = new long[texts.size()];
            long c0 = os.getProcessCpuTime();
            for (int i = 0; i < texts.size(); i++) {
                long t0 = TimeSource.SYSTEM.nanoTime();
                m.embed(TextSegment.from(texts.get(i)));
                t[i] = TimeSource.SYSTEM.nanoTime() - t0;
            }
            long cpuPerCall = (os.getProcessCpuTime() - c0) / texts.size();
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %s |%n", words, ms(t[t.length / 2]), ms(t[t.length * 9 / 10]), ms(cpuPerCall));
        }
        System.out.println();
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
