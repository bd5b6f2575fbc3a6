package dev.frugal.wire;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Incremental Server-Sent-Events decoder. Accepts LF, CRLF and CR line endings, joins repeated
 * {@code data:} lines with {@code \n}, skips comments ({@code : keep-alive}) and blank keep-alive
 * lines, and dispatches an event on each blank line.
 *
 * <p>One instance per stream; not thread-safe.
 */
public final class SseDecoder {

    /** Receives decoded events. */
    public interface Listener {
        void onEvent(String event, String data);
    }

    private final Listener listener;
    private byte[] pending = new byte[0];
    private boolean lastWasCr;
    private String eventName;
    private StringBuilder data;

    public SseDecoder(Listener listener) {
        this.listener = listener;
    }

    /** Feeds bytes as they arrive; complete events are dispatched before this returns. */
    public void feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCr && i == start && pending.length == 0) {
                // second half of a CRLF split across chunks or lines
                lastWasCr = false;
                start = i + 1;
                continue;
            }
            if (b == '\n' || b == '\r') {
                line(join(bytes, start, i));
                lastWasCr = b == '\r';
                if (lastWasCr && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                    lastWasCr = false;
                }
                start = i + 1;
            } else {
                lastWasCr = false;
            }
        }
        if (start < bytes.length) {
            byte[] rest = new byte[pending.length + bytes.length - start];
            System.arraycopy(pending, 0, rest, 0, pending.length);
            System.arraycopy(bytes, start, rest, pending.length, bytes.length - start);
            pending = rest;
        }
    }

    /** True when bytes of an event were read but the event was never completed by a blank line. */
    public boolean hasIncompleteEvent() {
        return pending.length > 0 || data != null || eventName != null;
    }

    private String join(byte[] bytes, int from, int to) {
        String s;
        if (pending.length == 0) {
            s = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        } else {
            byte[] all = new byte[pending.length + to - from];
            System.arraycopy(pending, 0, all, 0, pending.length);
            System.arraycopy(bytes, from, all, pending.length, to - from);
            s = new String(all, StandardCharsets.UTF_8);
            pending = new byte[0];
        }
        return s;
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                String d = data.toString();
                String e = eventName;
                data = null;
                eventName = null;
                listener.onEvent(e, d);
            } else {
                eventName = null;
            }
            return;
        }
        if (line.charAt(0) == ':') return;
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        switch (field) {
            case "data" -> {
                if (data == null) data = new StringBuilder(value);
                else data.append('\n').append(value);
            }
            case "event" -> eventName = value;
            default -> { /* id, retry and unknown fields do not matter to a relay */ }
        }
    }
}
