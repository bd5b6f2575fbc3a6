package dev.frugal.tenancy.quotas;

import org.junit.jupiter.api.Tag;

/** {@link QuotaContract} on the counters of one process (two {@link Quotas} over one store behave as one). */
@Tag("unit")
class LocalQuotasTest extends QuotaContract {
    private final LocalQuotaStore store = new LocalQuotaStore();

    @Override
    Quotas replica() {
        return new Quotas(store, spend, clock, registry, false);
    }
}
