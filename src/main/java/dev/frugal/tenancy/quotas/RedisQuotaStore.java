package dev.frugal.tenancy.quotas;

import dev.frugal.config.RedisPipelines;
import dev.frugal.core.Ids;
import dev.frugal.telemetry.QuotaMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
 * skew between a replica and Redis cannot expire a counter early).
 * <p>
 * A command whose answer does not come within {@code frugal.redis.timeout} may still run later (a
 * stall delivers it when it ends). Each admission therefore has an id (its lease) and is recorded
 * in the team's admission record when it runs: an admission whose answer was lost is withdrawn
 * (undone if it ran, made a no-op if it has not), and a settlement whose answer was lost is sent
 * again, applied once; both are resent until Redis answers ({@link Resends}). See
 * docs/decisions/0008-lost-answers-are-withdrawn.md. Non-blocking; thread-safe.
 */
final class RedisQuotaStore implements QuotaStore {
    private static final Logger LOG = Logger.getLogger(RedisQuotaStore.class);
    private static final Script ADMIT = Script.load("quota-admit.lua");
    private static final Script FINISH = Script.load("quota-finish.lua");
    private static final Script SEED = Script.load("quota-seed.lua");
    private static final long DAY_MILLIS = 86_400_000L;
    /** Connections to Redis, commands pipelined over them ({@link RedisPipelines}): opened at start ({@link #warm}). */
    static final int LINKS = 4;
    /** Withdrawals and settlements waiting to be sent again, at most; past it they are abandoned to their lease. */
    private static final int MAX_RESENDS = 10_000;
    private static final long MAX_RESEND_DELAY_MILLIS = 5_000;
    /** How long each step of the warm-up may take at least. */
    static final long WARM_UP_TIMEOUT_MILLIS = 5_000;

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

    private final RedisPipelines pipelines;
    private final String prefix;
    private final long timeoutMillis;
    private final long leaseMillis;
    private final QuotaMetrics metrics;
    private final Resends resends;
    /** Lease ids: this process's random id and a sequence number, unique across replicas. */
    private final String replica = Ids.random("", 12);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicInteger withdrawing = new AtomicInteger();

    RedisQuotaStore(Vertx vertx, String url, String prefix, Duration timeout, Duration lease, QuotaMetrics metrics) {
        this.prefix = prefix;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.leaseMillis = Math.max(1000, lease.toMillis());
        this.metrics = metrics;
        this.resends = new Resends(vertx, timeoutMillis, Math.max(timeoutMillis, MAX_RESEND_DELAY_MILLIS), leaseMillis, MAX_RESENDS);
        this.pipelines = RedisPipelines.to(vertx, url, LINKS, timeoutMillis);
    }

    /**
     * Opens every connection (each answers a {@code PING}), then loads the scripts, so that the first
     * burst of requests neither waits for connections nor sends every script's source
     * ({@code NOSCRIPT}). Each step may take {@link #WARM_UP_TIMEOUT_MILLIS} (or {@code frugal.redis.timeout}
     * if longer: a cold process opens its first connections slowly), so a silent Redis fails it
     * within a few times that; a Redis that is down fails it at once.
     */
    @Override
    public Future<Void> warm() {
        long within = Math.max(timeoutMillis, WARM_UP_TIMEOUT_MILLIS);
        return pipelines.open(within).compose(v -> {
            List<Future<Response>> loaded = new ArrayList<>(3);
            for (Script script : List.of(ADMIT, FINISH, SEED)) {
                loaded.add(pipelines.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source()), within));
            }
            return Future.all(loaded).mapEmpty();
        });
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

    /** Admits under a new id (its lease); if the answer is lost, withdraws it. */
    @Override
    public Future<Admission> admit(Demand d) {
        String lease = replica + "-" + sequence.incrementAndGet();
        return admit(d, lease).onFailure(e -> {
            // A refused connection sent nothing; anything else may run once Redis gets to it.
            if (!(e instanceof ConnectException)) withdraw(d, lease);
        });
    }

    /** One admission attempt under {@code lease}; fails if the lease was withdrawn before it ran. */
    Future<Admission> admit(Demand d, String lease) {
        List<String> args = new ArrayList<>(5 + 4 * d.checks().size());
        args.add(Long.toString(d.now()));
        args.add(lease);
        args.add(Long.toString(d.now() + leaseMillis));
        args.add(Long.toString(leaseMillis));
        return eval(ADMIT, keys(d), checkArgs(d, args)).map(r -> parse(d, lease, r));
    }

    private static Admission parse(Demand d, String lease, Response r) {
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
            case 3 -> throw new IllegalStateException("admission " + lease + " was withdrawn before it ran");
            default -> throw new IllegalStateException("unexpected answer of the admission script: " + status);
        };
    }

    /**
     * Takes back an admission whose answer was lost: the request was answered 503 (or admitted
     * unchecked), so whatever the admission charged, now or when Redis runs it late, must go.
     * Sent until Redis answers, or abandoned to the lease.
     */
    private void withdraw(Demand d, String lease) {
        withdrawing.incrementAndGet();
        resends.send(attempt -> withdrawOnce(d, lease))
                .onComplete(ar -> withdrawing.decrementAndGet())
                .onSuccess(undone -> metrics.withdrawal(undone ? "undone" : "prevented"))
                .onFailure(e -> {
                    metrics.withdrawal("abandoned");
                    long n = abandoned.incrementAndGet();
                    if (n == 1 || n % 1000 == 0) {
                        LOG.warnf("An admission whose answer Redis did not send in time could not be withdrawn (%s: %s), %d so far: "
                                + "its slot and reservation end with their lease (frugal.quotas.lease)", e.getClass().getSimpleName(),
                                e.getMessage(), n);
                    }
                });
    }

    /** Withdrawals started and not yet answered or abandoned. */
    int withdrawing() {
        return withdrawing.get();
    }

    /**
     * One withdrawal attempt: true if the admission had run and was undone, false if it had not (or
     * was withdrawn already): it will charge nothing. Any number of attempts act once.
     */
    Future<Boolean> withdrawOnce(Demand d, String lease) {
        return eval(FINISH, keys(d), finishArgs(d, lease, "w", 0, 0, d.now())).map(r -> r.get(0).toInteger() == 1);
    }

    /** Settles once: a first attempt whose answer is lost is followed by later ones, which apply only if it did not. */
    @Override
    public Future<List<Crossing>> finish(Demand d, Admission a, long actualTokens, long actualCostMicros, long now) {
        return resends.send(attempt -> finishOnce(d, a.lease(), attempt > 0, actualTokens, actualCostMicros, now));
    }

    /** One settlement attempt; {@code again} for every attempt after the first (applied only if none was). */
    Future<List<Crossing>> finishOnce(Demand d, String lease, boolean again, long actualTokens, long actualCostMicros, long now) {
        return eval(FINISH, keys(d), finishArgs(d, lease, again ? "r" : "s", actualTokens, actualCostMicros, now)).map(r -> {
            if (r.size() <= 1) return List.of();
            List<Crossing> crossings = new ArrayList<>(r.size() / 2);
            for (int i = 1; i + 1 < r.size(); i += 2) crossings.add(new Crossing(r.get(i).toInteger(), r.get(i + 1).toLong()));
            return crossings;
        });
    }

    private List<String> finishArgs(Demand d, String lease, String mode, long tokens, long costMicros, long now) {
        List<String> args = new ArrayList<>(8 + 4 * d.checks().size());
        args.add(Long.toString(now));
        args.add(lease);
        args.add(Long.toString(d.now() + leaseMillis));
        args.add(Long.toString(leaseMillis));
        args.add(mode);
        args.add(Long.toString(tokens));
        args.add(Long.toString(costMicros));
        return checkArgs(d, args);
    }

    /** The team's admission record (see quota-finish.lua), then each check's key, and a budget's lease set after it. */
    private List<String> keys(Demand d) {
        List<String> keys = new ArrayList<>(d.checks().size() + 3);
        keys.add(key(d.team(), "a"));
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

    /** Sends one command, failing after {@code frugal.redis.timeout} (the command may still run: see {@link #withdraw}). */
    private Future<Response> send(Request request) {
        return pipelines.send(request, timeoutMillis);
    }

    @Override
    public void close() {
        resends.close();
        pipelines.close();
    }
}
