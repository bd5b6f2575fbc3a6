package dev.frugal.cache;

import dev.frugal.core.RequestView;
import dev.frugal.core.TimeSource;
import dev.frugal.core.Usage;
import dev.frugal.provider.local.SentenceEmbedder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The semantic cache's cost per request, in a JVM of its own (bench/semantic.sh): the time to embed a
 * prompt by its length (the real MiniLM, one at a time, nothing remembered), the time to find the nearest
 * of 1 000, 10 000 and 100 000 cached prompts (brute force over the contiguous array, one thread), and
 * the live heap per entry against what the semantic tier weighs it at. Not a test.
 *
 * <pre>java -cp … dev.frugal.cache.SemanticBench</pre>
 */
public final class SemanticBench {
    private static final String WORDS = "the customer asked whether the annual plan includes priority support and how the refund "
            + "policy applies when an order is cancelled after shipping but before delivery to another country";

    private SemanticBench() {}

    public static void main(String[] args) throws Exception {
        embedding();
        lookup();
        memory();
    }

    private static void embedding() {
        Vertx vertx = Vertx.vertx();
        SentenceEmbedder embedder = new SentenceEmbedder(vertx, TimeSource.SYSTEM, 1, 0);
        embedder.embedAllNow(List.of("warm up the model")); // loads it
        String[] words = WORDS.split(" ");
        System.out.printf("%n| prompt words | embed p50 ms | embed p90 ms |%n|---:|---:|---:|%n");
        for (int n : new int[] {8, 32, 128, 256}) {
            double[] ms = new double[30];
            for (int i = 0; i < ms.length; i++) {
                StringBuilder sb = new StringBuilder("request " + i);
                for (int w = 0; w < n; w++) sb.append(' ').append(words[(w + i) % words.length]);
                long t0 = TimeSource.SYSTEM.nanoTime();
                embedder.embedAllNow(List.of(sb.toString()));
                ms[i] = (TimeSource.SYSTEM.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("| %d | %.2f | %.2f |%n", n, ms[ms.length / 2], ms[ms.length * 9 / 10]);
        }
        vertx.close();
    }

    private static void lookup() {
        SplittableRandom random = new SplittableRandom(7);
        System.out.printf("%n| entries | lookup p50 ms | lookup p90 ms |%n|---:|---:|---:|%n");
        for (int size : new int[] {1_000, 10_000, 100_000}) {
            SemanticIndex index = new SemanticIndex(SentenceEmbedder.DIMENSIONS);
            CachedAnswer answer = answer();
            for (int i = 0; i < size; i++) index.add(new SemanticIndex.Entry(i, "p", "prompt " + i, answer, unit(random)));
            for (int i = 0; i < 50; i++) index.nearest(unit(random), 0); // warm up the JIT
            double[] ms = new double[200];
            for (int i = 0; i < ms.length; i++) {
                float[] q = unit(random);
                long t0 = TimeSource.SYSTEM.nanoTime();
                index.nearest(q, 0);
                ms[i] = (TimeSource.SYSTEM.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("| %d | %.3f | %.3f |%n", size, ms[ms.length / 2], ms[ms.length * 9 / 10]);
        }
    }

    private static void memory() throws InterruptedException {
        int n = 100_000;
        SplittableRandom random = new SplittableRandom(11);
        SemanticCache cache = new SemanticCache(null, TimeSource.SYSTEM, null, Long.MAX_VALUE / 2, SentenceEmbedder.DIMENSIONS, () -> 1);
        List<float[]> vectors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) vectors.add(unit(random));
        CachedAnswer answer = answer(); // one answer shared: the figure is the semantic tier's own cost per prompt
        long before = liveHeap();
        for (int i = 0; i < n; i++) cache.add("team:model;-;context", "How do I reset the password of account " + i + "?", vectors.get(i), answer);
        vectors = null;
        long after = liveHeap();
        System.out.printf("%n| prompts | weighed bytes per entry (answer included) | live heap bytes per entry (answer shared) |%n|---:|---:|---:|%n"
                + "| %d | %d | %d |%n", cache.size(), cache.bytes() / cache.size(), (after - before) / n);
    }

    private static CachedAnswer answer() {
        long now = TimeSource.SYSTEM.millis();
        return new CachedAnswer(RequestView.Kind.CHAT, Buffer.buffer("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}"),
                new Usage(9, 9, 0, 0), "m", "p", "u", 1, now, now + 3_600_000, "team", "model");
    }

    private static float[] unit(SplittableRandom random) {
        float[] v = new float[SentenceEmbedder.DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        float k = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) v[i] *= k;
        return v;
    }

    private static long liveHeap() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return r.totalMemory() - r.freeMemory();
    }
}
