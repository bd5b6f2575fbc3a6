package dev.frugal.wire;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    private final Listener listener;
    /** The bytes of a line not ended yet (the previous chunk ended inside it). */
    private byte[] pending = EMPTY;
    private boolean lastWasCr;
    private String eventName;
    /** The event's first data line; most events have no other. */
    private String data;
    /** The event's data lines joined, once it has a second. */
    private StringBuilder moreData;

    public SseDecoder(Listener listener) {
        this.listener = listener;
    }

    /**
     * Feeds bytes as they arrive; complete events are dispatched before this returns. A heap buffer is
     * read in place, and a line is read on its bytes: only a value is decoded into a string.
     */
    public void feed(Buffer chunk) {
        ByteBuf view = Json.heap(chunk);
        byte[] bytes = view.array();
        int first = view.arrayOffset() + view.readerIndex();
        int end = first + view.readableBytes();
        int start = first;
        for (int i = first; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' && lastWasCr && i == start && pending.length == 0) {
                // second half of a CRLF split across chunks or lines
                lastWasCr = false;
                start = i + 1;
                continue;
            }
            if (b == '\n' || b == '\r') {
                if (pending.length == 0) {
                    line(bytes, start, i);
                } else {
                    byte[] whole = append(pending, bytes, start, i);
                    pending = EMPTY;
                    line(whole, 0, whole.length);
                }
                lastWasCr = b == '\r';
                if (lastWasCr && i + 1 < end && bytes[i + 1] == '\n') {
                    i++;
                    lastWasCr = false;
                }
                start = i + 1;
            } else {
                lastWasCr = false;
            }
        }
        if (start < end) pending = append(pending, bytes, start, end);
    }

    /** True when bytes of an event were read but the event was never completed by a blank line. */
    public boolean hasIncompleteEvent() {
        return pending.length > 0 || data != null || eventName != null;
    }

    private static byte[] append(byte[] head, byte[] bytes, int from, int to) {
        byte[] all = new byte[head.length + to - from];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bytes, from, all, head.length, to - from);
        return all;
    }

    /** One line, {@code line[from, to)} without its ending. Field names and the separators are ASCII, so the bytes split as the characters would. */
    private void line(byte[] line, int from, int to) {
        if (from == to) {
            if (data != null) {
                String d = moreData != null ? moreData.toString() : data;
                String e = eventName;
                data = null;
                moreData = null;
                eventName = null;
                listener.onEvent(e, d);
            } else {
                eventName = null;
            }
            return;
        }
        if (line[from] == ':') return;
        int colon = from;
        while (colon < to && line[colon] != ':') colon++;
        int value = colon < to ? colon + 1 : to;
        if (value < to && line[value] == ' ') value++;
        if (named(line, from, colon, DATA)) {
            String v = new String(line, value, to - value, StandardCharsets.UTF_8);
            if (data == null) {
                data = v;
            } else {
                if (moreData == null) moreData = new StringBuilder(data);
                moreData.append('\n').append(v);
            }
        } else if (named(line, from, colon, EVENT)) {
            eventName = new String(line, value, to - value, StandardCharsets.UTF_8);
        } // id, retry and unknown fields do not matter to a relay
    }

    private static boolean named(byte[] line, int from, int to, byte[] name) {
        return to - from == name.length && Arrays.equals(line, from, to, name, 0, name.length);
    }
}
