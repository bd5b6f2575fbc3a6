package dev.frugal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A {@link CachedAnswer} as Redis stores it: one version byte, one codec byte (raw, or deflate for
 * anything over {@link #COMPRESS_ABOVE} bytes), then the entry's fields as one line of JSON, a
 * newline, and the body as it is. Decoding is bounded: a value that would inflate past the limit
 * is refused, so a corrupt or hostile value cannot exhaust memory. Pure; thread-safe.
 */
final class EntryCodec {
    static final byte VERSION = 1;
    static final byte RAW = 0;
    static final byte DEFLATE = 1;
    /** Smaller payloads are stored as they are: deflate would not save enough to pay for itself. */
    static final int COMPRESS_ABOVE = 512;
    /** Room for the fields' line on top of the body limit. */
    private static final int FIELDS_MAX = 8 * 1024;

    private EntryCodec() {}

    static byte[] encode(CachedAnswer e) {
        ObjectNode f = Json.object().put("kind", e.kind().name()).put("model", e.model()).put("provider", e.provider())
                .put("upstream", e.upstreamModel()).put("cost", e.costMicros()).put("created", e.createdMillis())
                .put("expires", e.expiresMillis()).put("team", e.team()).put("name", e.name());
        f.putArray("usage").add(e.usage().promptTokens()).add(e.usage().completionTokens())
                .add(e.usage().cachedTokens()).add(e.usage().reasoningTokens());
        byte[] fields = Json.write(f).getBytes(StandardCharsets.UTF_8); // one line: JSON strings escape newlines
        byte[] body = e.body().getBytes();
        byte[] payload = new byte[fields.length + 1 + body.length];
        System.arraycopy(fields, 0, payload, 0, fields.length);
        payload[fields.length] = '\n';
        System.arraycopy(body, 0, payload, fields.length + 1, body.length);
        return payload.length > COMPRESS_ABOVE ? framed(DEFLATE, deflate(payload)) : framed(RAW, payload);
    }

    /**
     * The entry in {@code data}; throws {@link IOException} for anything else (another version, a
     * corrupt value, a body over {@code maxBodyBytes}).
     */
    static CachedAnswer decode(byte[] data, int maxBodyBytes) throws IOException {
        if (data.length < 2 || data[0] != VERSION) throw new IOException("not a cache entry of version " + VERSION);
        int limit = maxBodyBytes + FIELDS_MAX;
        byte[] payload = switch (data[1]) {
            case RAW -> slice(data, 2, data.length);
            case DEFLATE -> inflate(data, limit);
            default -> throw new IOException("unknown codec " + data[1]);
        };
        if (payload.length > limit) throw new IOException("the entry is larger than the limit");
        int nl = 0;
        while (nl < payload.length && payload[nl] != '\n') nl++;
        if (nl == payload.length) throw new IOException("no field line");
        JsonNode f = Json.parse(slice(payload, 0, nl));
        JsonNode u = f.path("usage");
        RequestView.Kind kind;
        try {
            kind = RequestView.Kind.valueOf(f.path("kind").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown kind");
        }
        return new CachedAnswer(kind, Buffer.buffer(slice(payload, nl + 1, payload.length)),
                new Usage(u.path(0).asLong(), u.path(1).asLong(), u.path(2).asLong(), u.path(3).asLong()),
                text(f, "model"), text(f, "provider"), text(f, "upstream"), f.path("cost").asLong(),
                f.path("created").asLong(), f.path("expires").asLong(), text(f, "team"), text(f, "name"));
    }

    private static String text(JsonNode f, String field) {
        JsonNode n = f.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static byte[] framed(byte codec, byte[] payload) {
        byte[] out = new byte[payload.length + 2];
        out[0] = VERSION;
        out[1] = codec;
        System.arraycopy(payload, 0, out, 2, payload.length);
        return out;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(b, from, out, 0, out.length);
        return out;
    }

    private static byte[] deflate(byte[] in) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(in);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length / 3));
            byte[] buf = new byte[8192];
            while (!d.finished()) out.write(buf, 0, d.deflate(buf));
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] data, int limit) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data, 2, data.length - 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, data.length * 4));
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) throw new IOException("truncated deflate data");
                if (out.size() + n > limit) throw new IOException("the entry inflates past the limit");
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException("corrupt deflate data", e);
        } finally {
            inf.end();
        }
    }
}
