package dev.frugal.wire;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Incremental newline-delimited JSON decoder (Ollama's native streams): hands over each line as
 * it completes. Accepts LF and CRLF line endings, lines split across any number of reads (also in
 * the middle of a multi-byte UTF-8 character), and skips blank lines. It does not parse the JSON:
 * the caller decides what a line means.
 *
 * <p>One instance per stream; not thread-safe.
 */
public final class NdjsonDecoder {

    /** Receives complete lines, without their line ending. */
    public interface Listener {
        void onLine(String line);
    }

    private final Listener listener;
    /** Bytes of the line not yet ended by a line feed; grows only for lines split across reads. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public NdjsonDecoder(Listener listener) {
        this.listener = listener;
    }

    /** Feeds bytes as they arrive; every line completed by them is dispatched before this returns. */
    public void feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') continue;
            String line;
            if (pending.size() == 0) {
                line = decode(bytes, start, i);
            } else {
                pending.write(bytes, start, i - start);
                byte[] all = pending.toByteArray();
                pending.reset();
                line = decode(all, 0, all.length);
            }
            start = i + 1;
            if (!line.isBlank()) listener.onLine(line);
        }
        if (start < bytes.length) pending.write(bytes, start, bytes.length - start);
    }

    /**
     * Called when the input ended: returns the last line if it had no line feed (a server may omit
     * the final one, or the stream was cut in the middle of a line), or null. It is not dispatched:
     * only the caller knows whether an unterminated line may count as whole.
     */
    public String end() {
        if (pending.size() == 0) return null;
        byte[] all = pending.toByteArray();
        pending.reset();
        String line = decode(all, 0, all.length);
        return line.isBlank() ? null : line;
    }

    /** The line's text without a trailing CR (CRLF endings). */
    private static String decode(byte[] bytes, int from, int to) {
        int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
        return new String(bytes, from, end - from, StandardCharsets.UTF_8);
    }
}
