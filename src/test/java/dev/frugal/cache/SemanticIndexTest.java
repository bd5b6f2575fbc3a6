package dev.frugal.cache;

import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The index's nearest entry: exact in small partitions; past them, the sketches' shortlist finds what the exact scan finds. */
@Tag("unit")
class SemanticIndexTest {
    static final int DIMS = 384;
    final SplittableRandom random = new SplittableRandom(42);
    final CachedAnswer answer = new CachedAnswer(RequestView.Kind.CHAT, Buffer.buffer("{}"), Usage.NONE, "m", "p", "u", 1, 0,
            Long.MAX_VALUE, "team", "model");

    float[] unit() {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) v[i] = (float) random.nextGaussian();
        return normalized(v);
    }

    static float[] normalized(float[] v) {
        double n = 0;
        for (float x : v) n += x * x;
        float k = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < v.length; i++) v[i] *= k;
        return v;
    }

    /** A unit vector whose cosine with {@code v} is about {@code cos}. */
    float[] near(float[] v, double cos) {
        float[] noise = unit();
        double w = Math.sqrt(1 - cos * cos) / cos;
        float[] out = new float[DIMS];
        for (int i = 0; i < DIMS; i++) out[i] = (float) (v[i] + w * noise[i]);
        return normalized(out);
    }

    SemanticIndex filled(int n, List<SemanticIndex.Entry> out) {
        SemanticIndex index = new SemanticIndex(DIMS);
        for (int i = 0; i < n; i++) {
            SemanticIndex.Entry e = new SemanticIndex.Entry(i, "p", "prompt " + i, answer, unit());
            index.add(e);
            out.add(e);
        }
        return index;
    }

    @Test
    void aSmallPartitionIsSearchedExactly() {
        List<SemanticIndex.Entry> entries = new ArrayList<>();
        SemanticIndex index = filled(SemanticIndex.EXACT_UP_TO, entries);
        for (int q = 0; q < 50; q++) {
            float[] query = unit();
            assertEquals(index.exact(query, 0).entry(), index.nearest(query, 0).entry());
        }
    }

    @Test
    void pastItTheShortlistFindsThePlantedNeighbourAndReportsItsExactSimilarity() {
        List<SemanticIndex.Entry> entries = new ArrayList<>();
        SemanticIndex index = filled(20_000, entries);
        int found = 0, queries = 300;
        for (int q = 0; q < queries; q++) {
            SemanticIndex.Entry target = entries.get(random.nextInt(entries.size()));
            double cos = 0.75 + 0.2 * random.nextDouble(); // paraphrases score about 0.75–0.95
            float[] query = near(target.vector, cos);
            SemanticIndex.Nearest exact = index.exact(query, 0), fast = index.nearest(query, 0);
            assertEquals(target, exact.entry(), "the planted neighbour is the nearest");
            assertEquals(SemanticIndex.dot(query, fast.entry().vector, 0, DIMS), fast.similarity(), 1e-6, "never an estimate");
            if (fast.entry() == target) found++;
        }
        assertTrue(found >= queries * 99 / 100, found + " of " + queries + " found");
    }

    @Test
    void inACrowdedSubjectTooWhereEveryPromptIsAlikeTheShortlistFindsTheParaphrase() {
        // one domain: every cached prompt at about 0.5 from every other (a support desk's questions), paraphrases at 0.85
        float[] subject = unit();
        SemanticIndex index = new SemanticIndex(DIMS);
        List<SemanticIndex.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            SemanticIndex.Entry e = new SemanticIndex.Entry(i, "p", "prompt " + i, answer, near(subject, 0.7));
            index.add(e);
            entries.add(e);
        }
        int found = 0, queries = 200;
        for (int q = 0; q < queries; q++) {
            SemanticIndex.Entry target = entries.get(random.nextInt(entries.size()));
            float[] query = near(target.vector, 0.85);
            assertEquals(target, index.exact(query, 0).entry());
            if (index.nearest(query, 0).entry() == target) found++;
        }
        assertTrue(found >= queries * 98 / 100, found + " of " + queries + " found");
    }

    @Test
    void removingEntriesKeepsTheSketchesInStep() {
        List<SemanticIndex.Entry> entries = new ArrayList<>();
        SemanticIndex index = filled(2 * SemanticIndex.EXACT_UP_TO, entries); // two thirds stay: still past the exact size
        for (int i = 0; i < entries.size(); i += 3) index.remove(entries.get(i)); // the last entries move into the holes
        for (int q = 0; q < 100; q++) {
            SemanticIndex.Entry target = entries.get(1 + 3 * random.nextInt(entries.size() / 3 - 1));
            float[] query = near(target.vector, 0.9);
            assertEquals(target, index.nearest(query, 0).entry());
        }
    }
}
