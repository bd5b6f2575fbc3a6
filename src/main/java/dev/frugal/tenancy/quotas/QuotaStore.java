package dev.frugal.tenancy.quotas;

import dev.frugal.config.Budget;
import io.vertx.core.Future;

import java.time.LocalDate;
import java.util.List;

/**
 * Where the counters live: in this process ({@link LocalQuotaStore}) or in Redis
 * ({@link RedisQuotaStore}). Both give the same answers: {@link #admit} checks every counter of a
 * {@link Demand} and charges all of them, or none, in one atomic step. Thread-safe.
 */
interface QuotaStore {

    /** What a check counts. */
    enum Kind { CONCURRENCY, REQUESTS, TOKENS, BUDGET }

    /** Whose counter it is. */
    enum Scope { TEAM, KEY }

    /**
     * One counter an admission checks and charges.
     *
     * @param counter     the counter's name inside its team (see {@link Quotas}); the same in both stores
     * @param limit       the limit (requests, tokens per minute, requests in flight, micro-USD)
     * @param amount      what this request charges: 1 request, the estimated tokens, 1 slot, the reserved micro-USD
     * @param budget      the budget of a {@link Kind#BUDGET} check, else null
     * @param periodStart the first day of the budget's current period, else null
     * @param periodEnd   epoch millis when that period ends, else 0
     */
    record Check(Kind kind, Scope scope, String counter, long limit, long amount, Budget budget, LocalDate periodStart,
                 long periodEnd) {
        boolean hard() { return budget == null || budget.hard(); }
    }

    /** One request's checks, in the order they are reported. {@code now} is epoch millis. */
    record Demand(String team, String keyId, long now, List<Check> checks) {}

    /**
     * The answer to {@link #admit}.
     *
     * @param rejected   index of the first check that failed, or -1 when everything was charged
     * @param needsSeed  index of a budget check whose counter is not seeded (nothing was charged), or -1
     * @param retryAfter millis until the rejected check could pass, or -1 when unknown or never
     * @param remaining  per check: what is left after this request (or now, if rejected): requests, tokens, slots, micro-USD
     * @param reset      per window check: millis until its window is full again (0 for other checks)
     * @param lease      the store's handle on this admission's slot and reservations, and its id (null for the local store)
     */
    record Admission(int rejected, int needsSeed, long retryAfter, long[] remaining, long[] reset, String lease) {
        boolean admitted() { return rejected < 0 && needsSeed < 0; }
    }

    /** A soft budget whose spend reached its limit with this settlement: {@code check} index, spend afterwards. */
    record Crossing(int check, long spentMicros) {}

    /**
     * Makes the store ready for a burst of requests before the replica reports ready (Redis: opens its
     * connections, loads its scripts). One attempt, bounded by the store's timeout.
     */
    Future<Void> warm();

    /** Whether the budget counter exists already (seeded by this or another replica). */
    Future<Boolean> seeded(String team, Check budget);

    /**
     * Creates the budget counter with this spend unless it exists (first seed wins). {@code now} is
     * epoch millis by the same clock that computed the check's period end: a store that expires the
     * counter does so after a duration measured from it, never at an instant of its own clock.
     */
    Future<Void> seed(String team, Check budget, long spentMicros, long now);

    /**
     * Checks and charges all of {@code d}'s counters, or none. A failed admission charges nothing,
     * not even later: a store whose answers can be lost (Redis, in a stall) withdraws it.
     */
    Future<Admission> admit(Demand d);

    /**
     * Ends an admission: frees its slot, corrects the token charge to {@code actualTokens}, replaces
     * its reservations by {@code actualCostMicros}, once (a store whose answers can be lost sends it
     * again until answered, applied once). {@code now} is epoch millis. If it fails, the slot and
     * reservations end with their lease.
     */
    Future<List<Crossing>> finish(Demand d, Admission a, long actualTokens, long actualCostMicros, long now);

    void close();
}
