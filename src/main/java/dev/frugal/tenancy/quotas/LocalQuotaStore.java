package dev.frugal.tenancy.quotas;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of a single process. Every counter of an admission belongs to one team (the team's
 * own and its key's), so each team's counters sit in one {@link Group} and an admission checks and
 * charges them inside that group's monitor: all-or-nothing, with no window in which a request that
 * is about to be rejected holds a slot another request needed. The monitor is held for arithmetic
 * on a handful of counters only — never across I/O, never while waiting for anything — and teams
 * never contend with each other. Answers are complete futures: nothing here waits.
 */
final class LocalQuotaStore implements QuotaStore {

    /** One team's counters: name → state. Guarded by the group's monitor. */
    private static final class Group {
        /** concurrency: {in flight}; window: {level, at}; budget: {spent, reserved, period end}. */
        final Map<String, long[]> counters = new HashMap<>();
    }

    private final Map<String, Group> groups = new ConcurrentHashMap<>();

    private Group group(String team) {
        return groups.computeIfAbsent(team, t -> new Group());
    }

    @Override
    public Future<Void> warm() {
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> seeded(String team, Check budget) {
        Group g = group(team);
        synchronized (g) {
            return Future.succeededFuture(g.counters.containsKey(budget.counter()));
        }
    }

    @Override
    public Future<Void> seed(String team, Check budget, long spentMicros, long now) {
        Group g = group(team);
        synchronized (g) {
            // A new period: counters of ended periods are not needed any more.
            g.counters.values().removeIf(s -> s.length == 3 && s[2] <= budget.periodStart().toEpochDay() * 86_400_000L);
            g.counters.putIfAbsent(budget.counter(), new long[]{spentMicros, 0, budget.periodEnd()});
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Admission> admit(Demand d) {
        List<Check> checks = d.checks();
        int n = checks.size();
        long[] remaining = new long[n];
        long[] reset = new long[n];
        long[] level = new long[n];
        int rejected = -1;
        long retryAfter = -1;
        Group g = group(d.team());
        synchronized (g) {
            for (int i = 0; i < n; i++) {
                Check c = checks.get(i);
                boolean ok;
                long wait = -1;
                switch (c.kind()) {
                    case CONCURRENCY -> {
                        long inFlight = state(g, c, 1)[0];
                        ok = inFlight + 1 <= c.limit();
                        remaining[i] = Math.max(0, c.limit() - inFlight - (ok ? 1 : 0));
                        wait = 1000;
                    }
                    case REQUESTS, TOKENS -> {
                        long[] s = state(g, c, 2);
                        long now = RateWindow.level(s[0], s[1], d.now(), c.limit());
                        ok = RateWindow.fits(now, c.amount(), c.limit());
                        level[i] = ok ? now + c.amount() * RateWindow.SCALE : now;
                        remaining[i] = RateWindow.remaining(level[i], c.limit());
                        reset[i] = RateWindow.resetMillis(level[i], c.limit());
                        if (!ok) wait = RateWindow.waitMillis(now, c.amount(), c.limit());
                    }
                    case BUDGET -> {
                        long[] s = g.counters.get(c.counter());
                        if (s == null) return Future.succeededFuture(new Admission(-1, i, -1, remaining, reset, null));
                        long used = s[0] + s[1];
                        ok = !c.hard() || used + Math.max(c.amount(), 1) <= c.limit();
                        remaining[i] = Math.max(0, c.limit() - used - (ok ? c.amount() : 0));
                    }
                    default -> throw new IllegalStateException();
                }
                if (!ok && rejected < 0) {
                    rejected = i;
                    retryAfter = wait;
                }
            }
            if (rejected < 0) {
                for (int i = 0; i < n; i++) {
                    Check c = checks.get(i);
                    long[] s = g.counters.get(c.counter());
                    switch (c.kind()) {
                        case CONCURRENCY -> s[0]++;
                        case REQUESTS, TOKENS -> { s[0] = level[i]; s[1] = Math.max(s[1], d.now()); }
                        case BUDGET -> s[1] += c.amount();
                        default -> throw new IllegalStateException();
                    }
                }
            }
        }
        return Future.succeededFuture(new Admission(rejected, -1, retryAfter, remaining, reset, null));
    }

    @Override
    public Future<List<Crossing>> finish(Demand d, Admission a, long actualTokens, long actualCostMicros, long now) {
        List<Crossing> crossings = List.of();
        Group g = group(d.team());
        synchronized (g) {
            for (int i = 0; i < d.checks().size(); i++) {
                Check c = d.checks().get(i);
                long[] s = g.counters.get(c.counter());
                if (s == null) continue; // a budget of an ended period
                switch (c.kind()) {
                    case CONCURRENCY -> s[0] = Math.max(0, s[0] - 1);
                    case TOKENS -> {
                        long level = RateWindow.level(s[0], s[1], now, c.limit());
                        s[0] = Math.max(0, level + (actualTokens - c.amount()) * RateWindow.SCALE);
                        s[1] = Math.max(s[1], now);
                    }
                    case BUDGET -> {
                        s[1] = Math.max(0, s[1] - c.amount());
                        long before = s[0];
                        s[0] += actualCostMicros;
                        if (!c.hard() && before < c.limit() && s[0] >= c.limit()) {
                            if (crossings.isEmpty()) crossings = new ArrayList<>(2);
                            crossings.add(new Crossing(i, s[0]));
                        }
                    }
                    default -> { } // requests stay counted
                }
            }
        }
        return Future.succeededFuture(crossings);
    }

    private static long[] state(Group g, Check c, int size) {
        return g.counters.computeIfAbsent(c.counter(), k -> new long[size]);
    }

    @Override
    public void close() {
    }
}
