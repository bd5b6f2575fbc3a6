package dev.frugal.tenancy.quotas;

import dev.frugal.tenancy.quotas.QuotaStore.Admission;
import dev.frugal.tenancy.quotas.QuotaStore.Demand;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted request's hold on its limits and budgets: a concurrency slot, the tokens charged
 * at admission, the budget reservations. End it exactly once, with {@link #settle} when the
 * upstream was called (even if the client disconnected) or {@link #release} when it failed before
 * costing anything; later calls do nothing. Thread-safe.
 */
public final class Ticket {
    /** The ticket of a caller without limits or budgets (or admitted while the store failed open). */
    static final Ticket UNLIMITED = new Ticket(null, null, null, Map.of());

    private final Quotas quotas;
    private final Demand demand;
    private final Admission admission;
    private final Map<String, String> headers;
    private final AtomicBoolean ended = new AtomicBoolean();

    Ticket(Quotas quotas, Demand demand, Admission admission, Map<String, String> headers) {
        this.quotas = quotas;
        this.demand = demand;
        this.admission = admission;
        this.headers = headers;
    }

    /**
     * OpenAI's rate-limit headers for the response ({@code x-ratelimit-limit-requests},
     * {@code -remaining-requests}, {@code -reset-requests} and the {@code -tokens} trio) for the
     * tightest request and token limit; empty when none applies. Immutable.
     */
    public Map<String, String> headers() { return headers; }

    /**
     * The request is done: the spend becomes {@code actualCostMicros} instead of the reservation,
     * the token charge becomes {@code actualTokens} (prompt + completion), the slot is freed. The
     * future completes when the counters are updated (the hot path need not wait for it; a store
     * failure is logged and counted, and the store's leases free the slot and the reservation).
     */
    public Future<Void> settle(long actualTokens, long actualCostMicros) {
        if (quotas == null || !ended.compareAndSet(false, true)) return Future.succeededFuture();
        return quotas.finish(demand, admission, actualTokens, actualCostMicros);
    }

    /** The request failed before any upstream cost: frees the reservation, the tokens and the slot (it still counts as a request). */
    public Future<Void> release() {
        return settle(0, 0);
    }
}
