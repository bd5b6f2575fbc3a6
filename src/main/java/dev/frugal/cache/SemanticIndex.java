package dev.frugal.cache;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The cached prompts of one partition (scope, model or route, and the hash of everything but the
 * last user turn): their unit vectors side by side in one float array, searched by brute force
 * (a dot product per entry; {@code bench/semantic.sh} measures it). Removing an entry moves the last
 * one into its slot, so the array stays dense. Thread-safe: searches share a read lock, changes take
 * the write lock; no I/O under either. Large indexes are searched off the event loop
 * ({@link SemanticCache}).
 */
final class SemanticIndex {
    /** One cached prompt: its vector, its text (the guards read it), its answer. */
    static final class Entry {
        /**
         * What an entry holds besides its vector, its prompt's characters and its answer: the entry, the
         * tier's node and key, the prompt's String (measured: bench/semantic.sh, 2 273 live bytes an entry
         * with a 42-character prompt and a shared answer).
         */
        static final int OVERHEAD_BYTES = 650;
        final long id;
        /** The key of its index in {@link SemanticCache}. */
        final String partition;
        final String prompt;
        final CachedAnswer answer;
        final float[] vector;
        /** Its slot in the index; -1 once removed. Guarded by the index's lock. */
        int slot = -1;
        /** The highest similarity at which a request this entry was a candidate for needed another answer; -1 if none. */
        volatile float wrongAt = -1;

        Entry(long id, String partition, String prompt, CachedAnswer answer, float[] vector) {
            this.id = id;
            this.partition = partition;
            this.prompt = prompt;
            this.answer = answer;
            this.vector = vector;
        }

        /** Bytes this entry holds, as the semantic tier weighs it: vector, prompt, answer, objects. */
        long weight() {
            return 4L * vector.length + 2L * prompt.length() + answer.weight() + OVERHEAD_BYTES;
        }
    }

    /** The nearest live entry and its cosine similarity (the vectors are unit length). */
    record Nearest(Entry entry, double similarity) {}

    private final int dims;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private float[] vectors;
    private Entry[] entries;
    private int size;

    SemanticIndex(int dims) {
        this.dims = dims;
        this.vectors = new float[16 * dims];
        this.entries = new Entry[16];
    }

    int size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    void add(Entry e) {
        if (e.vector.length != dims) throw new IllegalArgumentException("a vector of " + e.vector.length + " dimensions, not " + dims);
        lock.writeLock().lock();
        try {
            if (e.slot >= 0) return;
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, size * 2);
                vectors = Arrays.copyOf(vectors, size * 2 * dims);
            }
            System.arraycopy(e.vector, 0, vectors, size * dims, dims);
            entries[size] = e;
            e.slot = size++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    void remove(Entry e) {
        lock.writeLock().lock();
        try {
            int slot = e.slot;
            if (slot < 0 || entries[slot] != e) return;
            int last = --size;
            if (slot != last) {
                Entry moved = entries[last];
                entries[slot] = moved;
                moved.slot = slot;
                System.arraycopy(vectors, last * dims, vectors, slot * dims, dims);
            }
            entries[last] = null;
            e.slot = -1;
            if (size >= 16 && size * 4 < entries.length) { // give memory back after a purge or mass expiry
                entries = Arrays.copyOf(entries, entries.length / 2);
                vectors = Arrays.copyOf(vectors, entries.length * dims);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The entry most similar to {@code q} (unit length) among those not expired at {@code nowMillis}, or null. */
    Nearest nearest(float[] q, long nowMillis) {
        lock.readLock().lock();
        try {
            Entry best = null;
            double bestSim = Double.NEGATIVE_INFINITY;
            float[] v = vectors;
            for (int i = 0; i < size; i++) {
                double s = dot(q, v, i * dims, dims);
                if (s > bestSim && !entries[i].answer.expired(nowMillis)) {
                    bestSim = s;
                    best = entries[i];
                }
            }
            return best == null ? null : new Nearest(best, Math.min(1, bestSim));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The dot product of {@code q} with the vector at {@code off}, in four independent sums (the CPU overlaps them). */
    static double dot(float[] q, float[] v, int off, int dims) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < dims; j += 4) {
            s0 += q[j] * v[off + j];
            s1 += q[j + 1] * v[off + j + 1];
            s2 += q[j + 2] * v[off + j + 2];
            s3 += q[j + 3] * v[off + j + 3];
        }
        for (; j < dims; j++) s0 += q[j] * v[off + j];
        return (double) s0 + s1 + s2 + s3;
    }
}
