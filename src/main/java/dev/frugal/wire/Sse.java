package dev.frugal.wire;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/** Encodes SSE frames: OpenAI's unnamed {@code data:} events, and named events as Anthropic sends them. */
public final class Sse {
    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_LINE = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    public static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private Sse() {}

    public static Buffer data(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer(body.length + 8).appendBytes(PREFIX).appendBytes(body).appendBytes(SUFFIX);
    }

    /** Appends one {@code data:} event to a buffer being filled. */
    public static void append(Buffer target, String json) {
        target.appendBytes(PREFIX).appendString(json).appendBytes(SUFFIX);
    }

    public static Buffer data(byte[] json) {
        return Buffer.buffer(json.length + 8).appendBytes(PREFIX).appendBytes(json).appendBytes(SUFFIX);
    }

    /**
     * Appends one named event ({@code event: <name>\ndata: <json>\n\n}). The JSON must be on one
     * line, as {@link Json#write} makes it.
     */
    public static void appendEvent(Buffer target, String name, String json) {
        target.appendBytes(EVENT).appendString(name).appendBytes(DATA_LINE).appendString(json).appendBytes(SUFFIX);
    }
}
