package dev.frugal.provider;

import io.vertx.core.Future;

/** A backend that answers chat completions. */
public interface ChatCapable {
    /** The whole answer; fails with {@link dev.frugal.core.UpstreamFailure}. */
    Future<Completion> chat(GenerationCall call);

    /**
     * A stream that succeeds once its first chunk arrived (so a failure before any byte can still
     * fall back) and fails with {@link dev.frugal.core.UpstreamFailure} otherwise.
     */
    Future<ChunkStream> chatStream(GenerationCall call);
}
