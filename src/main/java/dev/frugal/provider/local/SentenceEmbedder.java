package dev.frugal.provider.local;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.frugal.core.TimeSource;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The in-process sentence-embeddings model (all-MiniLM-L6-v2, 384 dimensions, shipped inside a Maven
 * artifact) for everything in the gateway that embeds text: the {@code local} provider's
 * {@code /v1/embeddings}, routing's learned quality (the prompt of a request, a route's examples) and the
 * semantic cache. One model, loaded once on first use (about 400 MB of heap, so a gateway that embeds
 * nothing stays small), run on its own worker pool so the event loop never waits for it.
 *
 * <p>{@link #embed(String)} remembers the vectors of recent texts (bounded by bytes), so a repeated
 * prompt is embedded once; {@link #embedAll(List)} is for bulk work (an upload of examples) and remembers
 * nothing.
 */
@Singleton
public class SentenceEmbedder {
    private static final Logger LOG = Logger.getLogger(SentenceEmbedder.class);
    /** The model's output size. */
    public static final int DIMENSIONS = 384;

    private final WorkerExecutor workers;
    private final Supplier<EmbeddingModel> loader;
    private final TimeSource time;
    private final Cache<String, float[]> recent; // null: remember nothing (frugal.embedder.cache-bytes 0)
    private volatile EmbeddingModel model;

    @Inject
    public SentenceEmbedder(Vertx vertx, TimeSource time,
                            @ConfigProperty(name = "frugal.local.workers", defaultValue = "0") int size,
                            @ConfigProperty(name = "frugal.embedder.cache-bytes", defaultValue = "16777216") long cacheBytes) {
        this(vertx.createSharedWorkerExecutor("frugal-local-model", size > 0 ? size : Math.max(1, Runtime.getRuntime().availableProcessors())),
                AllMiniLmL6V2EmbeddingModel::new, time, cacheBytes);
    }

    /** For tests: any model, any pool. */
    SentenceEmbedder(WorkerExecutor workers, Supplier<EmbeddingModel> loader, TimeSource time, long cacheBytes) {
        this.workers = workers;
        this.loader = loader;
        this.time = time;
        // a text's weight: its characters (2 bytes each) and its vector, plus the entry's own overhead
        this.recent = cacheBytes <= 0 ? null : Caffeine.newBuilder().maximumWeight(cacheBytes)
                .weigher((String k, float[] v) -> (int) Math.min(Integer.MAX_VALUE, 2L * k.length() + 4L * v.length + 96))
                .build();
    }

    /** The text's embedding (unit length, as the model gives it), from memory when it was embedded recently. */
    public Future<float[]> embed(String text) {
        float[] known = recent == null ? null : recent.getIfPresent(text);
        if (known != null) return Future.succeededFuture(known);
        return workers.executeBlocking(() -> {
            float[] v = model().embed(text).content().vector();
            if (recent != null) recent.put(text, v);
            return v;
        }, false);
    }

    /** The embeddings of many texts, in order, in one call of the model (nothing remembered). */
    public Future<List<float[]>> embedAll(List<String> texts) {
        return workers.executeBlocking(() -> embedAllNow(texts), false);
    }

    /** {@link #embedAll} on the caller's thread, for work already off the event loop (a bulk upload's own thread). */
    public List<float[]> embedAllNow(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String t : texts) segments.add(TextSegment.from(t));
        List<float[]> out = new ArrayList<>(texts.size());
        for (var e : model().embedAll(segments).content()) out.add(e.vector());
        return out;
    }

    /** The texts remembered now (for metrics and tests). */
    public long remembered() { return recent == null ? 0 : recent.estimatedSize(); }

    /** The pool the model runs on (the {@code local} provider's adapter runs its calls there too). */
    WorkerExecutor workers() { return workers; }

    /** The model, loaded on first use; call only off the event loop. */
    EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) { // runs on a worker thread, never on the event loop
                m = model;
                if (m == null) {
                    long t0 = time.nanoTime();
                    m = loader.get();
                    LOG.infof("Loaded the local embeddings model all-minilm-l6-v2 in %d ms", (time.nanoTime() - t0) / 1_000_000);
                    model = m;
                }
            }
        }
        return m;
    }

    @PreDestroy
    void close() { workers.close(); }
}
