package dev.frugal.provider;

import io.vertx.core.Future;

/** A backend that answers legacy text completions ({@code /v1/completions}). */
public interface CompletionsCapable {
    Future<Completion> complete(GenerationCall call);

    Future<ChunkStream> completeStream(GenerationCall call);
}
