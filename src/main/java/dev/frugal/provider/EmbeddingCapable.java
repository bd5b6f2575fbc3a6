package dev.frugal.provider;

import io.vertx.core.Future;

/** A backend that computes embeddings. */
public interface EmbeddingCapable {
    Future<Embeddings> embed(EmbeddingCall call);
}
