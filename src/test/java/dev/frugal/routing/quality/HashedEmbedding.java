package dev.frugal.routing.quality;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cheap stand-in for a sentence embedding, for tests and as the benchmark's TF-IDF reference: word
 * unigrams and bigrams hashed into a fixed number of dimensions, sublinear term frequency times inverse
 * document frequency (learned from the examples only), normalised. Immutable.
 */
final class HashedEmbedding {
    private final int dims;
    private final float[] idf;

    private HashedEmbedding(int dims, float[] idf) {
        this.dims = dims;
        this.idf = idf;
    }

    /** Learns the document frequencies from {@code examples} (never from a test set). */
    static HashedEmbedding fit(List<String> examples, int dims) {
        int[] df = new int[dims];
        for (String text : examples) {
            boolean[] seen = new boolean[dims];
            for (int h : hashes(text, dims)) {
                if (!seen[h]) { seen[h] = true; df[h]++; }
            }
        }
        float[] idf = new float[dims];
        for (int d = 0; d < dims; d++) idf[d] = (float) Math.log((1.0 + examples.size()) / (1.0 + df[d])) + 1;
        return new HashedEmbedding(dims, idf);
    }

    float[] embed(String text) {
        float[] tf = new float[dims];
        for (int h : hashes(text, dims)) tf[h]++;
        double norm = 0;
        for (int d = 0; d < dims; d++) {
            if (tf[d] > 0) tf[d] = (float) ((1 + Math.log(tf[d])) * idf[d]);
            norm += tf[d] * tf[d];
        }
        if (norm == 0) {
            tf[0] = 1; // an empty text still gets a usable vector
            return tf;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < dims; d++) tf[d] *= inv;
        return tf;
    }

    List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String t : texts) out.add(embed(t));
        return out;
    }

    private static List<Integer> hashes(String text, int dims) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}$%.]+");
        List<Integer> out = new ArrayList<>(words.length * 2);
        String prev = null;
        for (String w : words) {
            if (w.isEmpty()) continue;
            out.add(bucket(w, dims));
            if (prev != null) out.add(bucket(prev + " " + w, dims));
            prev = w;
        }
        return out;
    }

    /** FNV-1a of the UTF-8 bytes: stable across JVMs, unlike String.hashCode's spread in HashMap. */
    private static int bucket(String token, int dims) {
        int h = 0x811c9dc5;
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return Math.floorMod(h, dims);
    }
}
