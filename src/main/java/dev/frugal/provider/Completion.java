package dev.frugal.provider;

import dev.frugal.core.Usage;
import io.vertx.core.buffer.Buffer;

/** A whole (non-streamed) answer: the OpenAI-shaped response body to send as it is, and its usage. */
public record Completion(Buffer body, Usage usage) {}
