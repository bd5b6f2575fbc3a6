package dev.frugal.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metrics of rate limits and budgets. Tags are bounded: team names from the config and fixed
 * reasons; key ids are never tags. Counters are looked up once per tag combination. Thread-safe.
 */
public final class QuotaMetrics {
    /** Requests rejected by a limit or budget; tags {@code team}, {@code reason} (see {@link #rejection}). */
    public static final String REJECTIONS = "frugal.quota.rejections";
    /** Soft budgets whose spend reached their limit, once per period; tag {@code team}. */
    public static final String BUDGET_ALERTS = "frugal.budget.alerts";
    /** Calls to the quota store (Redis) that failed; tag {@code outcome}: {@code admitted} (fail open) or {@code rejected} (fail closed), {@code settle}. */
    public static final String STORE_FAILURES = "frugal.quota.store.failures";
    /**
     * Admissions whose answer from the store was lost (a timeout: the request was refused or admitted
     * unchecked) and that were withdrawn; tag {@code outcome}: {@code undone} (it had run: what it charged
     * was given back), {@code prevented} (it had not: it will charge nothing), {@code abandoned} (the store
     * did not answer in time: its slot and reservation end with their lease).
     */
    public static final String WITHDRAWALS = "frugal.quota.withdrawals";
    /** The share (0..1, above 1 when a soft budget is overspent) of a team budget spent or reserved, as of the last admission; tags {@code team}, {@code period}. */
    public static final String BUDGET_USE = "frugal.budget.use.ratio";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** team → period → the gauge's value, as the bits of a double (a gauge reads it when scraped). */
    private final Map<String, Map<String, AtomicLong>> budgetUse = new ConcurrentHashMap<>();

    public QuotaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One rejected request; {@code reason}: concurrency, rate_limit_requests, rate_limit_tokens or budget. */
    public void rejection(String team, String reason) {
        counter(REJECTIONS, "team", team, "reason", reason).increment();
    }

    /** Called on every admission of a team with a budget: two map lookups, nothing allocated once the gauge exists. */
    public void budgetUse(String team, String period, double share) {
        Map<String, AtomicLong> byPeriod = budgetUse.get(team);
        AtomicLong bits = byPeriod == null ? null : byPeriod.get(period);
        if (bits == null) {
            bits = budgetUse.computeIfAbsent(team, t -> new ConcurrentHashMap<>()).computeIfAbsent(period, p -> {
                AtomicLong b = new AtomicLong();
                Gauge.builder(BUDGET_USE, b, v -> Double.longBitsToDouble(v.get()))
                        .description("Share of a team budget spent or reserved, as of the last admission")
                        .tags("team", team, "period", period).register(registry);
                return b;
            });
        }
        bits.set(Double.doubleToLongBits(share));
    }

    public void budgetAlert(String team) {
        counter(BUDGET_ALERTS, "team", team).increment();
    }

    public void storeFailure(String outcome) {
        counter(STORE_FAILURES, "outcome", outcome).increment();
    }

    /** One withdrawn admission; {@code outcome}: undone, prevented or abandoned. */
    public void withdrawal(String outcome) {
        counter(WITHDRAWALS, "outcome", outcome).increment();
    }

    private Counter counter(String name, String... tags) {
        String id = name + '\0' + String.join("\0", tags);
        Counter c = counters.get(id);
        if (c == null) c = counters.computeIfAbsent(id, i -> Counter.builder(name).description(description(name)).tags(tags).register(registry));
        return c;
    }

    /** The help text Prometheus shows (and promtool asks for). */
    private static String description(String name) {
        return switch (name) {
            case REJECTIONS -> "Requests rejected by a rate limit or budget";
            case BUDGET_ALERTS -> "Soft budgets whose spend reached their limit, once per period";
            case STORE_FAILURES -> "Calls to the quota store that failed";
            case WITHDRAWALS -> "Admissions whose answer from the quota store was lost, withdrawn";
            default -> name;
        };
    }
}
