package dev.frugal.provider.gemini;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits the body of a Gemini {@code :streamGenerateContent?alt=sse} response into JSON documents
 * (provider-protocols.md §0 rule 3, §5.6): the {@code data:} of each SSE event (LF, CRLF or CR line
 * endings; Gemini itself sends CRLF), and JSON that Gemini writes <em>without</em> any {@code data:}
 * prefix — error bodies, often pretty-printed over several lines. The raw kind is collected until
 * its brackets balance, as the genai SDK does, but counting only brackets outside strings.
 *
 * <p>One instance per stream; not thread-safe.
 */
final class GeminiStreamDecoder {

    /** Receives each complete JSON document, unparsed. */
    interface Listener {
        void onJson(String json);
    }

    private final Listener listener;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private StringBuilder data;
    private StringBuilder raw;
    private int depth;
    private boolean inString;
    private boolean escaped;

    GeminiStreamDecoder(Listener listener) {
        this.listener = listener;
    }

    /** Feeds bytes as they arrive; complete documents are dispatched before this returns. */
    void feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        for (byte b : bytes) {
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the LF of a CRLF whose CR already ended the line
                    continue;
                }
                endLine();
            } else if (b == '\r') {
                endLine();
                lastWasCr = true;
            } else {
                lastWasCr = false;
                if (lineLength == line.length) line = Arrays.copyOf(line, line.length * 2);
                line[lineLength++] = b;
            }
        }
    }

    /** True when bytes of a document were read but the document never completed: the body was cut. */
    boolean hasIncompleteEvent() {
        return lineLength > 0 || data != null || raw != null;
    }

    private void endLine() {
        String s = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (raw != null) {
            appendRaw(s);
            return;
        }
        if (s.isEmpty()) {
            if (data != null) {
                String d = data.toString();
                data = null;
                listener.onJson(d);
            }
            return;
        }
        if (s.charAt(0) == ':') return; // comment
        if (s.startsWith("data:")) {
            String value = s.startsWith("data: ") ? s.substring(6) : s.substring(5);
            if (data == null) data = new StringBuilder(value);
            else data.append('\n').append(value);
            return;
        }
        String t = s.stripLeading();
        if (data == null && (t.startsWith("{") || t.startsWith("["))) {
            raw = new StringBuilder();
            depth = 0;
            inString = false;
            escaped = false;
            appendRaw(s);
        }
        // event:, id:, retry: and anything else carry nothing for Gemini
    }

    private void appendRaw(String s) {
        raw.append(s).append('\n');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        if (depth <= 0) {
            String doc = raw.toString().strip();
            raw = null;
            listener.onJson(doc);
        }
    }
}
