package dev.frugal.tenancy.quotas;

import io.quarkus.arc.DefaultBean;
import io.vertx.core.Future;
import jakarta.inject.Singleton;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spend per (team, key, UTC day) held in memory, like the ledger's daily rollups. The default
 * {@link SpendSource} while no ledger-backed one is installed (a bean of that type replaces it):
 * budgets then start from what was {@link #record recorded} in this process, i.e. from zero after
 * a restart. Thread-safe.
 */
@DefaultBean
@Singleton
public class InMemorySpendSource implements SpendSource {
    private record Day(String team, String keyId, LocalDate day) {}

    private final Map<Day, AtomicLong> spent = new ConcurrentHashMap<>();

    /** Adds spend of {@code team} (and of {@code keyIdOrNull}'s key, if given) on {@code day}. */
    public void record(String team, String keyIdOrNull, LocalDate day, long micros) {
        spent.computeIfAbsent(new Day(team, null, day), d -> new AtomicLong()).addAndGet(micros);
        if (keyIdOrNull != null) spent.computeIfAbsent(new Day(team, keyIdOrNull, day), d -> new AtomicLong()).addAndGet(micros);
    }

    @Override
    public Future<Long> spentMicros(String team, String keyIdOrNull, LocalDate periodStart) {
        long sum = 0;
        for (Map.Entry<Day, AtomicLong> e : spent.entrySet()) {
            Day d = e.getKey();
            if (d.team().equals(team) && Objects.equals(d.keyId(), keyIdOrNull) && !d.day().isBefore(periodStart)) {
                sum += e.getValue().get();
            }
        }
        return Future.succeededFuture(sum);
    }
}
