package dev.frugal.cache;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The cached prompts of one partition (scope, model or route, and the hash of everything but the
 * last user turn): their unit vectors side by side in one float array, searched by brute force
 * (a dot product per entry; {@code bench/semantic.sh} measures it). Past {@value #EXACT_UP_TO} entries
 * a scan of every vector reads more memory than the caches hold (154 MB at 100 000), so the search runs
 * in two steps: a scan of each entry's {@value #SKETCH}-dimension sketch (a fixed random projection,
 * a sixth of the bytes) keeps the {@value #SHORTLIST} nearest, and their full vectors decide. It can
 * only miss an entry, never invent one: the similarity returned is always the exact one, which the
 * bound and the guards then judge, so an approximate search costs hits, not correctness. Removing an
 * entry moves the last one into its slot, so the arrays stay dense. Thread-safe: searches share a read lock, changes take
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
        /** The most proofs an entry keeps, and the bytes they may take (weighed from the start: they come later). */
        static final int PROOFS = 16, PROOF_BYTES = 32 + PROOFS * 12;
        final long id;
        /** The key of its index in {@link SemanticCache}. */
        final String partition;
        final String prompt;
        final CachedAnswer answer;
        final float[] vector;
        /** Its slot in the index; -1 once removed. Guarded by the index's lock. */
        int slot = -1;
        /**
         * What verification taught about this entry (decisions 0027 and 0033), guarded by the entry's monitor so
         * that concurrent verdicts only ever widen a veto and lower a proof: the highest similarity at which a
         * request it was a candidate for needed another answer (-1 if none); and what it was verified for, by
         * change of content words ({@link GuardedPrompt#contentChange}): for each change, the lowest similarity at
         * which its answer was found right, or {@link #REFUTED} once it was found wrong for that change. At most
         * {@value #PROOFS} changes: past that a new change stays unproven (verified each time), which costs hits,
         * never correctness.
         */
        private float wrongAt = -1;
        private long[] changes;
        private float[] provenFrom;
        private int proven;
        private static final float REFUTED = 2;

        /**
         * Records a verified candidacy at similarity {@code s} of a prompt whose content words differ from this
         * entry's by {@code change}: the same answer proves the entry for that change down to s; another vetoes the
         * entry up to s, and that change for good.
         */
        synchronized void verified(double s, long change, boolean same) {
            if (!same) wrongAt = Math.max(wrongAt, (float) s);
            for (int i = 0; i < proven; i++) {
                if (changes[i] == change) {
                    provenFrom[i] = same ? Math.min(provenFrom[i], (float) s) : REFUTED;
                    return;
                }
            }
            if (proven == PROOFS) return;
            if (changes == null) {
                changes = new long[PROOFS];
                provenFrom = new float[PROOFS];
            }
            changes[proven] = change;
            provenFrom[proven++] = same ? (float) s : REFUTED;
        }

        /** Whether no verification found another answer at {@code s} or above. */
        synchronized boolean notVetoedAt(double s) {
            return (float) s > wrongAt; // compared as stored: a veto at s holds at s itself
        }

        /**
         * Whether a verification found this entry's answer right for a prompt whose content words differ from its own
         * by the same {@code change}, at {@code s} or below, and none found it wrong for that change.
         */
        synchronized boolean provenFor(long change, double s) {
            for (int i = 0; i < proven; i++) {
                if (changes[i] == change) return provenFrom[i] <= (float) s;
            }
            return false;
        }

        Entry(long id, String partition, String prompt, CachedAnswer answer, float[] vector) {
            this.id = id;
            this.partition = partition;
            this.prompt = prompt;
            this.answer = answer;
            this.vector = vector;
        }

        /** Bytes this entry holds, as the semantic tier weighs it: vector, prompt, answer, objects. */
        long weight() {
            return 4L * (vector.length + SKETCH) + 2L * prompt.length() + answer.weight() + OVERHEAD_BYTES + PROOF_BYTES;
        }
    }

    /** The nearest live entry and its cosine similarity (the vectors are unit length). */
    record Nearest(Entry entry, double similarity) {}

    /** Up to this many entries every full vector is compared. */
    static final int EXACT_UP_TO = 4096;
    /** Dimensions of a sketch, and how many nearest sketches go on to a full comparison. */
    static final int SKETCH = 64, SHORTLIST = 256;

    private final int dims;
    /** dims × SKETCH, seeded: the same projection in every process, rows scaled so sketches of unit vectors have about unit length. */
    private final float[] projection;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private float[] vectors;
    private float[] sketches;
    private Entry[] entries;
    private int size;

    SemanticIndex(int dims) {
        this.dims = dims;
        this.vectors = new float[16 * dims];
        this.sketches = new float[16 * SKETCH];
        this.entries = new Entry[16];
        this.projection = new float[dims * SKETCH];
        java.util.SplittableRandom random = new java.util.SplittableRandom(0x5EED);
        double scale = 1 / Math.sqrt(SKETCH);
        for (int i = 0; i < projection.length; i++) projection[i] = (float) (random.nextGaussian() * scale);
    }

    /** The sketch of {@code v}, written at {@code out[off…off+SKETCH)}. */
    private void sketch(float[] v, float[] out, int off) {
        for (int k = 0; k < SKETCH; k++) out[off + k] = 0;
        for (int j = 0; j < dims; j++) {
            float x = v[j];
            int row = j * SKETCH;
            for (int k = 0; k < SKETCH; k++) out[off + k] += x * projection[row + k];
        }
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
                sketches = Arrays.copyOf(sketches, size * 2 * SKETCH);
            }
            System.arraycopy(e.vector, 0, vectors, size * dims, dims);
            sketch(e.vector, sketches, size * SKETCH);
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
                System.arraycopy(sketches, last * SKETCH, sketches, slot * SKETCH, SKETCH);
            }
            entries[last] = null;
            e.slot = -1;
            if (size >= 16 && size * 4 < entries.length) { // give memory back after a purge or mass expiry
                entries = Arrays.copyOf(entries, entries.length / 2);
                vectors = Arrays.copyOf(vectors, entries.length * dims);
                sketches = Arrays.copyOf(sketches, entries.length * SKETCH);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The entry most similar to {@code q} (unit length) among those not expired at {@code nowMillis}, or null:
     * exact up to {@value #EXACT_UP_TO} entries, else the best of the {@value #SHORTLIST} nearest sketches.
     */
    Nearest nearest(float[] q, long nowMillis) {
        lock.readLock().lock();
        try {
            return size <= EXACT_UP_TO ? exact(q, nowMillis) : shortlisted(q, nowMillis);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every full vector compared. Under the read lock. */
    Nearest exact(float[] q, long nowMillis) {
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
    }

    /** The sketches scanned, the {@value #SHORTLIST} nearest kept (a min-heap), their full vectors compared. Under the read lock. */
    private Nearest shortlisted(float[] q, long nowMillis) {
        float[] qs = new float[SKETCH];
        sketch(q, qs, 0);
        int[] heap = new int[SHORTLIST];
        double[] heapSim = new double[SHORTLIST];
        int n = 0;
        float[] sk = sketches;
        for (int i = 0; i < size; i++) {
            double s = dot(qs, sk, i * SKETCH, SKETCH);
            if (n < SHORTLIST) {
                heap[n] = i;
                heapSim[n] = s;
                siftUp(heap, heapSim, n++);
            } else if (s > heapSim[0]) {
                heap[0] = i;
                heapSim[0] = s;
                siftDown(heap, heapSim, n);
            }
        }
        Entry best = null;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int h = 0; h < n; h++) {
            int i = heap[h];
            double s = dot(q, vectors, i * dims, dims);
            if (s > bestSim && !entries[i].answer.expired(nowMillis)) {
                bestSim = s;
                best = entries[i];
            }
        }
        return best == null ? null : new Nearest(best, Math.min(1, bestSim));
    }

    private static void siftUp(int[] heap, double[] sim, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (sim[parent] <= sim[i]) return;
            swap(heap, sim, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] heap, double[] sim, int n) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, min = i;
            if (l < n && sim[l] < sim[min]) min = l;
            if (r < n && sim[r] < sim[min]) min = r;
            if (min == i) return;
            swap(heap, sim, i, min);
            i = min;
        }
    }

    private static void swap(int[] heap, double[] sim, int a, int b) {
        int h = heap[a];
        heap[a] = heap[b];
        heap[b] = h;
        double s = sim[a];
        sim[a] = sim[b];
        sim[b] = s;
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
