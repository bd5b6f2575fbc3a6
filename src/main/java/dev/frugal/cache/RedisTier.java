package dev.frugal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.RedisPipelines;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster tier's commands on Redis, pipelined over a few connections ({@link RedisPipelines}): entries under
 * {@code <prefix>cache:<key>} with their TTL in Redis ({@code SET … PX}), purges by {@code SCAN}
 * and {@code UNLINK}, and the purge log other replicas poll ({@code <prefix>cache-purges}, a
 * sequence number and the last {@link #LOG_LENGTH} purges). Every command fails after its own
 * bounded wait; none retries. Non-blocking; thread-safe.
 */
final class RedisTier {
    /** Purges kept in the log: a replica that misses more than this between two polls misses some (documented). */
    static final int LOG_LENGTH = 1000;
    private static final int SCAN_COUNT = 1000;

    /** Connections the tier's commands are pipelined over (purges and polls are rare; lookups and stores short). */
    private static final int LINKS = 4;

    private final RedisPipelines redis;
    private final String prefix;
    private final String logKey;
    private final String seqKey;

    RedisTier(Vertx vertx, String url, String prefix, long connectTimeoutMillis) {
        this.prefix = prefix + "cache:";
        this.logKey = prefix + "cache-purges";
        this.seqKey = prefix + "cache-purges:seq";
        this.redis = RedisPipelines.to(vertx, url, LINKS, connectTimeoutMillis);
    }

    /** The stored value under {@code key}, or null. */
    Future<byte[]> get(String key, long timeoutMillis) {
        return send(Request.cmd(Command.GET).arg(prefix + key), timeoutMillis).map(r -> r == null ? null : r.toBytes());
    }

    Future<Void> set(String key, byte[] value, long ttlMillis, long timeoutMillis) {
        return send(Request.cmd(Command.SET).arg(prefix + key).arg(Buffer.buffer(value)).arg("PX").arg(Math.max(1, ttlMillis)),
                timeoutMillis).mapEmpty();
    }

    /** Deletes every entry whose key matches {@code pattern} ({@link CacheKeys#pattern}); returns how many. */
    Future<Long> purge(String pattern, long timeoutMillis) {
        return scan("0", glob(prefix) + pattern, 0, timeoutMillis);
    }

    /** Logs a purge for the other replicas; returns its sequence number. */
    Future<Long> logPurge(String team, String name, long timeoutMillis) {
        return send(Request.cmd(Command.INCR).arg(seqKey), timeoutMillis).compose(seq -> {
            String entry = Json.write(Json.object().put("seq", seq.toLong()).put("team", team).put("name", name));
            return send(Request.cmd(Command.RPUSH).arg(logKey).arg(entry), timeoutMillis)
                    .compose(r -> send(Request.cmd(Command.LTRIM).arg(logKey).arg(-LOG_LENGTH).arg(-1), timeoutMillis))
                    .map(r -> seq.toLong());
        });
    }

    /** The sequence number of the last purge logged (0 when none). */
    Future<Long> purgeSeq(long timeoutMillis) {
        return send(Request.cmd(Command.GET).arg(seqKey), timeoutMillis).map(r -> r == null ? 0L : r.toLong());
    }

    /** One purge of the log. */
    record Purge(long seq, String team, String name) {}

    /** The purges in the log, oldest first (entries that do not parse are skipped). */
    Future<List<Purge>> purgeLog(long timeoutMillis) {
        return send(Request.cmd(Command.LRANGE).arg(logKey).arg(0).arg(-1), timeoutMillis).map(r -> {
            List<Purge> out = new ArrayList<>();
            if (r == null) return out;
            for (Response item : r) {
                try {
                    JsonNode n = Json.parse(item.toString());
                    out.add(new Purge(n.path("seq").asLong(), text(n.get("team")), text(n.get("name"))));
                } catch (Exception e) {
                    // not ours: skip it
                }
            }
            return out;
        });
    }

    void close() {
        redis.close();
    }

    private Future<Long> scan(String cursor, String match, long deleted, long timeoutMillis) {
        return send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(match).arg("COUNT").arg(SCAN_COUNT), timeoutMillis)
                .compose(r -> {
                    String next = r.get(0).toString();
                    Response keys = r.get(1);
                    Future<Long> unlinked = Future.succeededFuture(0L);
                    if (keys != null && keys.size() > 0) {
                        Request unlink = Request.cmd(Command.UNLINK);
                        for (Response k : keys) unlink.arg(k.toBuffer());
                        unlinked = send(unlink, timeoutMillis).map(Response::toLong);
                    }
                    return unlinked.compose(n -> "0".equals(next) ? Future.succeededFuture(deleted + n)
                            : scan(next, match, deleted + n, timeoutMillis));
                });
    }

    /**
     * Sends one command, failing after {@code timeoutMillis} (the command may still run), timed on the
     * event loop that reads the answer ({@link RedisPipelines}).
     */
    private Future<Response> send(Request request, long timeoutMillis) {
        return redis.send(request, Math.max(1, timeoutMillis));
    }

    /** {@code s} as a literal inside a Redis glob pattern. */
    private static String glob(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.toString();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
