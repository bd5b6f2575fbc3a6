package dev.frugal.provider.local;

import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.Embeddings;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs an open-weight embeddings model inside the gateway, on a worker pool so the event loop
 * never waits for it. The model is loaded on first use (it needs ~400 MB of heap), so a gateway
 * that serves no embeddings stays small.
 */
final class LocalEmbeddingAdapter implements EmbeddingCapable {
    private final String providerName;
    private final WorkerExecutor workers;
    private final Supplier<EmbeddingModel> model;

    LocalEmbeddingAdapter(String providerName, WorkerExecutor workers, Supplier<EmbeddingModel> model) {
        this.providerName = providerName;
        this.workers = workers;
        this.model = model;
    }

    @Override
    public Future<Embeddings> embed(EmbeddingCall call) {
        if (call.texts() == null) {
            return Future.failedFuture(new UpstreamFailure(UpstreamFailure.Kind.INVALID_REQUEST, 400,
                    "The local model '" + call.deployment().upstreamModel() + "' takes text input, not token arrays.", "input", -1));
        }
        return workers.executeBlocking(() -> {
            EmbeddingModel m = model.get();
            if (call.dimensions() != null && call.dimensions() != m.dimension()) {
                throw new UpstreamFailure(UpstreamFailure.Kind.INVALID_REQUEST, 400, "The local model '"
                        + call.deployment().upstreamModel() + "' has " + m.dimension() + " dimensions; it cannot give "
                        + call.dimensions() + ".", "dimensions", -1);
            }
            List<TextSegment> segments = new ArrayList<>(call.texts().size());
            for (String t : call.texts()) segments.add(TextSegment.from(t));
            Response<List<Embedding>> r = m.embedAll(segments);
            List<float[]> vectors = new ArrayList<>(r.content().size());
            for (Embedding e : r.content()) vectors.add(e.vector());
            long tokens = r.tokenUsage() == null || r.tokenUsage().inputTokenCount() == null ? 0 : r.tokenUsage().inputTokenCount();
            return new Embeddings(vectors, new Usage(tokens, 0, 0, 0));
        }, false).recover(t -> Future.failedFuture(t instanceof UpstreamFailure f ? f
                : new UpstreamFailure(UpstreamFailure.Kind.UPSTREAM_ERROR, "The local model of provider '" + providerName + "' failed.")));
    }
}
