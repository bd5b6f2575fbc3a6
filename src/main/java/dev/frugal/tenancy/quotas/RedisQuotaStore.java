package dev.frugal.tenancy.quotas;

import dev.frugal.core.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters in Redis, shared by every replica. Each operation is one Lua script (EVALSHA,
 * falling back to EVAL when Redis does not know the script yet), so an admission is checked and
 * charged atomically across replicas. Keys are {@code <prefix>{<team>}:<counter>}: the braces
 * put all of a team's keys in one Redis Cluster slot, as a multi-key script needs.
 * <p>
 * A concurrency slot and a budget reservation are leases (sorted-set members scored by their
 * expiry): if a replica dies with requests in flight, they stop counting after
 * {@code frugal.quotas.lease} instead of forever. Window keys expire once drained; budget keys a
 * day after the end of their period, measured from the replica's own clock (a duration, so clock
 * skew between a replica and Redis cannot expire a counter early). Non-blocking; thread-safe.
 */
final class RedisQuotaStore implements QuotaStore {
    private static final Script ADMIT = Script.load("quota-admit.lua");
    private static final Script FINISH = Script.load("quota-finish.lua");
    private static final Script SEED = Script.load("quota-seed.lua");
    private static final long DAY_MILLIS = 86_400_000L;

    private record Script(String source, String sha) {
        static Script load(String name) {
            try (InputStream in = RedisQuotaStore.class.getResourceAsStream(name)) {
                if (in == null) throw new IllegalStateException("missing resource " + name);
                String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                byte[] sha = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
                return new Script(source, HexFormat.of().formatHex(sha));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Vertx vertx;
    private final Redis redis;
    private final String prefix;
    private final long timeoutMillis;
    private final long leaseMillis;
    /** Lease ids: this process's random id and a sequence number, unique across replicas. */
    private final String replica = Ids.random("", 12);
    private final AtomicLong sequence = new AtomicLong();

    RedisQuotaStore(Vertx vertx, String url, String prefix, Duration timeout, Duration lease) {
        this.vertx = vertx;
        this.prefix = prefix;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.leaseMillis = Math.max(1000, lease.toMillis());
        RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(16).setMaxPoolWaiting(4096);
        options.getNetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        this.redis = Redis.createClient(vertx, options);
    }

    String key(String team, String counter) {
        return prefix + "{" + team + "}:" + counter;
    }

    @Override
    public Future<Boolean> seeded(String team, Check budget) {
        return send(Request.cmd(Command.HEXISTS).arg(key(team, budget.counter())).arg("spent")).map(r -> r.toInteger() == 1);
    }

    @Override
    public Future<Void> seed(String team, Check budget, long spentMicros, long now) {
        // A duration, not an instant: a replica whose clock differs from Redis's (or a test's fake
        // clock) must not have its counter expire at once, or live on for days.
        long ttl = Math.max(DAY_MILLIS, budget.periodEnd() + DAY_MILLIS - now);
        return eval(SEED, List.of(key(team, budget.counter())),
                List.of(Long.toString(spentMicros), Long.toString(ttl))).mapEmpty();
    }

    @Override
    public Future<Admission> admit(Demand d) {
        String lease = replica + "-" + sequence.incrementAndGet();
        List<String> args = new ArrayList<>(5 + 4 * d.checks().size());
        args.add(Long.toString(d.now()));
        args.add(lease);
        args.add(Long.toString(d.now() + leaseMillis));
        args.add(Long.toString(leaseMillis));
        return eval(ADMIT, keys(d), checkArgs(d, args)).map(r -> {
            int status = r.get(0).toInteger(), index = r.get(1).toInteger();
            int n = d.checks().size();
            long[] remaining = new long[n], reset = new long[n];
            for (int i = 0; i < n && 3 + 2 * i < r.size(); i++) {
                remaining[i] = r.get(3 + 2 * i).toLong();
                reset[i] = r.get(4 + 2 * i).toLong();
            }
            return switch (status) {
                case 1 -> new Admission(-1, -1, -1, remaining, reset, lease);
                case 0 -> new Admission(index, -1, r.get(2).toLong(), remaining, reset, null);
                case 2 -> new Admission(-1, index, -1, remaining, reset, null);
                default -> throw new IllegalStateException("unexpected answer of the admission script: " + status);
            };
        });
    }

    @Override
    public Future<List<Crossing>> finish(Demand d, Admission a, long actualTokens, long actualCostMicros, long now) {
        List<String> args = new ArrayList<>(5 + 4 * d.checks().size());
        args.add(Long.toString(now));
        args.add(a.lease());
        args.add(Long.toString(actualTokens));
        args.add(Long.toString(actualCostMicros));
        return eval(FINISH, keys(d), checkArgs(d, args)).map(r -> {
            if (r.size() == 0) return List.of();
            List<Crossing> crossings = new ArrayList<>(r.size() / 2);
            for (int i = 0; i + 1 < r.size(); i += 2) crossings.add(new Crossing(r.get(i).toInteger(), r.get(i + 1).toLong()));
            return crossings;
        });
    }

    private List<String> keys(Demand d) {
        List<String> keys = new ArrayList<>(d.checks().size() + 2);
        for (Check c : d.checks()) {
            keys.add(key(d.team(), c.counter()));
            if (c.kind() == Kind.BUDGET) keys.add(key(d.team(), "l:" + c.counter()));
        }
        return keys;
    }

    private static List<String> checkArgs(Demand d, List<String> args) {
        args.add(Integer.toString(d.checks().size()));
        for (Check c : d.checks()) {
            args.add(switch (c.kind()) {
                case CONCURRENCY -> "c";
                case REQUESTS -> "r";
                case TOKENS -> "t";
                case BUDGET -> "b";
            });
            args.add(Long.toString(c.limit()));
            args.add(Long.toString(c.amount()));
            args.add(c.hard() ? "1" : "0");
        }
        return args;
    }

    /** Runs a script by its SHA-1; a Redis that does not know it yet (NOSCRIPT) gets the source, which it then caches. */
    private Future<Response> eval(Script s, List<String> keys, List<String> args) {
        return send(script(Command.EVALSHA, s.sha(), keys, args)).recover(e -> {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) return Future.failedFuture(e);
            return send(script(Command.EVAL, s.source(), keys, args));
        });
    }

    private static Request script(Command command, String script, List<String> keys, List<String> args) {
        Request r = Request.cmd(command).arg(script).arg(keys.size());
        for (String k : keys) r.arg(k);
        for (String a : args) r.arg(a);
        return r;
    }

    /** Sends one command, failing after {@code frugal.redis.timeout} (the command may still run: leases bound what it holds). */
    private Future<Response> send(Request request) {
        Promise<Response> p = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, t -> p.tryFail(new TimeoutException("Redis did not answer within " + timeoutMillis + " ms")));
        redis.send(request).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) p.tryComplete(ar.result());
            else p.tryFail(ar.cause());
        });
        return p.future();
    }

    @Override
    public void close() {
        redis.close();
    }
}
