package dev.frugal.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The embedded ledger's raw rows, packed: on H2 the writer stores each batch's rows of one team and one UTC hour as
 * one row of {@code ledger_pack} (V15), a compact binary encoding, instead of one table row each. H2's copy-on-write
 * B-trees and transactions cost a put, an undo entry and a commit rewrite per table row and index; packed, that is
 * once per team and hour of a batch (docs/decisions/0039-packed-embedded-ledger.md). PostgreSQL keeps a table row per
 * request.
 *
 * <p>Rows are read back as the old table through {@link LedgerRowsFunction} ({@code ledger_rows(team, from, to)}) and
 * the view {@code ledger} over it.
 *
 * <p>Encoding (version 1): the row count, then each row's fields in {@link LedgerStore}'s column order. Numbers are
 * variable-length (zig-zag); the five booleans and whether a quality was predicted are one byte of flags; the
 * repeated strings (team, models, provider, …) are written once a pack and then referred to by number; the request
 * id and trace id are written as they are; times are microseconds from the pack's hour.
 */
final class LedgerPack {
    private static final int VERSION = 1;
    private static final long MICROS_PER_HOUR = 3_600_000_000L;

    private LedgerPack() {
    }

    /** The UTC hour a row is packed under: of its time as stored, so 10:59:59.9999996 is 11:00's. */
    static Instant hourOf(Instant ts) {
        return ofMicros(Math.floorDiv(micros(ts), MICROS_PER_HOUR) * MICROS_PER_HOUR);
    }

    /** The earliest time of a pack's rows ({@code ledger_pack.ts_min}). */
    static Instant earliest(List<LedgerRow> rows) {
        Instant first = rows.get(0).ts();
        for (LedgerRow r : rows) if (r.ts().isBefore(first)) first = r.ts();
        return first;
    }

    /** Microseconds since the epoch, rounded half up as a {@code timestamp} column of H2 and PostgreSQL stores them. */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), (t.getNano() + 500) / 1000);
    }

    /** The instant as the databases store it: {@link #micros}, back as an instant. */
    static Instant roundedToMicros(Instant t) {
        return ofMicros(micros(t));
    }

    private static Instant ofMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    // ---- encoding ----------------------------------------------------------------------------

    /** Packs rows that all fall in the UTC hour {@code hour}. */
    static byte[] encode(Instant hour, List<LedgerRow> rows) {
        Out out = new Out(rows.size() * 96 + 16);
        long base = micros(hour);
        out.varint(VERSION);
        out.varint(rows.size());
        for (LedgerRow r : rows) {
            long at = micros(r.ts()) - base;
            if (at < 0 || at >= MICROS_PER_HOUR) throw new IllegalArgumentException("row " + r.requestId() + " is not in the hour " + hour);
            out.raw(r.requestId());
            out.varint(at);
            out.shared(r.team());
            out.shared(r.keyId());
            out.shared(r.endpoint());
            out.shared(r.requestedModel());
            out.shared(r.route());
            out.shared(r.provider());
            out.shared(r.deployment());
            out.shared(r.upstreamModel());
            out.varint(r.status());
            out.shared(r.errorCode());
            out.varint(r.promptTokens());
            out.varint(r.completionTokens());
            out.varint(r.cachedTokens());
            out.varint(r.reasoningTokens());
            out.varint(r.costMicros());
            out.varint(r.referenceCostMicros());
            out.shared(r.priceVersion());
            boolean quality = !Double.isNaN(r.predictedQuality());
            out.flags((r.unpriced() ? 1 : 0) | (r.estimated() ? 2 : 0) | (r.streamed() ? 4 : 0)
                    | (r.cacheHit() ? 8 : 0) | (r.clientDisconnected() ? 16 : 0) | (quality ? 32 : 0));
            out.varint(r.latencyMs());
            out.varint(r.ttftMs());
            out.varint(r.attempts());
            out.shared(r.attemptLog());
            out.shared(r.routeDecision());
            out.shared(r.servedModel());
            if (quality) out.fixed64(Double.doubleToRawLongBits(r.predictedQuality()));
            out.varint(r.cacheSavedMicros());
            out.varint(r.cascadeSteps());
            out.varint(r.cascadeCostMicros());
            out.shared(r.shadowModel());
            out.varint(r.shadowCostMicros());
            out.raw(r.traceId());
        }
        return out.toArray();
    }

    /** A growable buffer with the pack's string table. */
    private static final class Out {
        byte[] bytes;
        int pos;
        private final Map<String, Integer> strings = new HashMap<>(64);

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        private void ensure(int n) {
            if (pos + n > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, pos + n));
        }

        /** Where the next {@code n} bytes go; may replace {@link #bytes}, so read it after. */
        int reserve(int n) {
            ensure(n);
            int at = pos;
            pos += n;
            return at;
        }

        void varint(long v) {
            long z = (v << 1) ^ (v >> 63);
            ensure(10);
            while ((z & ~0x7FL) != 0) {
                bytes[pos++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            bytes[pos++] = (byte) z;
        }

        void flags(int v) {
            int at = reserve(1);
            bytes[at] = (byte) v;
        }

        void fixed64(long v) {
            int at = reserve(8);
            for (int i = 0; i < 8; i++) bytes[at + i] = (byte) (v >>> (8 * i));
        }

        /** A string written as it is: 0 for null, else its UTF-8 length + 1 and its bytes. */
        void raw(String s) {
            if (s == null) {
                varint(0);
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1L);
            int at = reserve(utf8.length); // before reading bytes: reserving may grow it
            System.arraycopy(utf8, 0, bytes, at, utf8.length);
        }

        /** A string of the table: 0 for null, n for the table's n-th, or the next number followed by the string. */
        void shared(String s) {
            if (s == null) {
                varint(0);
                return;
            }
            int next = strings.size() + 1;
            Integer known = strings.putIfAbsent(s, next);
            varint(known == null ? next : known);
            if (known == null) raw(s);
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, pos);
        }
    }

    // ---- decoding ----------------------------------------------------------------------------

    /** Unpacks a pack of the UTC hour {@code hour}, row by row in the order they were packed. */
    static void decode(Instant hour, byte[] data, Consumer<LedgerRow> sink) {
        In in = new In(data);
        long base = micros(hour);
        int version = (int) in.varint();
        if (version != VERSION) throw new IllegalStateException("ledger pack of version " + version + ", this build reads " + VERSION);
        int count = (int) in.varint();
        for (int i = 0; i < count; i++) {
            String requestId = in.raw();
            Instant ts = ofMicros(base + in.varint());
            String team = in.shared();
            String keyId = in.shared();
            String endpoint = in.shared();
            String requestedModel = in.shared();
            String route = in.shared();
            String provider = in.shared();
            String deployment = in.shared();
            String upstreamModel = in.shared();
            int status = (int) in.varint();
            String errorCode = in.shared();
            long prompt = in.varint();
            long completion = in.varint();
            long cached = in.varint();
            long reasoning = in.varint();
            long cost = in.varint();
            long referenceCost = in.varint();
            String priceVersion = in.shared();
            int flags = in.data[in.pos++];
            long latency = in.varint();
            long ttft = in.varint();
            int attempts = (int) in.varint();
            String attemptLog = in.shared();
            String routeDecision = in.shared();
            String servedModel = in.shared();
            double quality = (flags & 32) != 0 ? Double.longBitsToDouble(in.fixed64()) : Double.NaN;
            long cacheSaved = in.varint();
            int cascadeSteps = (int) in.varint();
            long cascadeCost = in.varint();
            String shadowModel = in.shared();
            long shadowCost = in.varint();
            String traceId = in.raw();
            sink.accept(new LedgerRow(requestId, ts, team, keyId, endpoint, requestedModel, route, provider, deployment,
                    upstreamModel, status, errorCode, prompt, completion, cached, reasoning, cost, referenceCost, priceVersion,
                    (flags & 1) != 0, (flags & 2) != 0, latency, ttft, (flags & 4) != 0, (flags & 8) != 0, (flags & 16) != 0,
                    attempts, attemptLog, routeDecision, servedModel, quality, cacheSaved, cascadeSteps, cascadeCost,
                    shadowModel, shadowCost, traceId));
        }
        if (in.pos != data.length) throw new IllegalStateException("ledger pack has " + (data.length - in.pos) + " bytes after its rows");
    }

    private static final class In {
        final byte[] data;
        int pos;
        private final List<String> strings = new ArrayList<>();

        In(byte[] data) {
            this.data = data;
        }

        long varint() {
            long z = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = data[pos++];
                z |= (long) (b & 0x7F) << shift;
                if (b >= 0) break;
            }
            return (z >>> 1) ^ -(z & 1);
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) v |= (data[pos++] & 0xFFL) << (8 * i);
            return v;
        }

        String raw() {
            int n = (int) varint();
            if (n == 0) return null;
            String s = new String(data, pos, n - 1, StandardCharsets.UTF_8);
            pos += n - 1;
            return s;
        }

        String shared() {
            int n = (int) varint();
            if (n == 0) return null;
            if (n <= strings.size()) return strings.get(n - 1);
            if (n != strings.size() + 1) throw new IllegalStateException("ledger pack refers to string " + n + " before it is defined");
            String s = raw();
            strings.add(s);
            return s;
        }
    }
}
