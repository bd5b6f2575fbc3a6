package dev.frugal.wire;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
        int start = first; // where the current line begins: past the last line ending
        while (true) {
            int eol = nextLineEnd(bytes, start, end);
            if (eol < 0) {
                if (start < end) lastWasCr = false;
                break;
            }
            if (eol > start) lastWasCr = false; // bytes of a line came since the last line ending
            byte b = bytes[eol];
            if (b == '\n' && lastWasCr && eol == start && pending.length == 0) {
                // second half of a CRLF split across chunks or lines
                lastWasCr = false;
                start = eol + 1;
                continue;
            }
            if (pending.length == 0) {
                line(bytes, start, eol);
            } else {
                byte[] whole = append(pending, bytes, start, eol);
                pending = EMPTY;
                line(whole, 0, whole.length);
            }
            lastWasCr = b == '\r';
            if (lastWasCr && eol + 1 < end && bytes[eol + 1] == '\n') {
                eol++;
                lastWasCr = false;
            }
            start = eol + 1;
        }
        if (start < end) pending = append(pending, bytes, start, end);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = ONES * '\n';
    private static final long CRS = ONES * '\r';

    /**
     * The index of the first {@code \n} or {@code \r} in {@code bytes[from, to)}, or -1: eight bytes at a time (a
     * stream's bytes are mostly inside lines; a byte-by-byte loop over them was 2.5 % of a stream's CPU). In each
     * word, {@code (x - 0x01…) & ~x & 0x80…} marks the bytes of {@code x} that are zero — exactly at the lowest
     * one, and a borrow can mark only bytes above it — so the lowest mark is the first line ending.
     */
    static int nextLineEnd(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i);
            long lf = word ^ LFS;
            long cr = word ^ CRS;
            long marks = ((lf - ONES) & ~lf | (cr - ONES) & ~cr) & HIGHS;
            if (marks != 0) return i + (Long.numberOfTrailingZeros(marks) >>> 3);
        }
        for (; i < to; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') return i;
        }
        return -1;
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
