package dev.frugal.tenancy.quotas;

/** {@link QuotaContract} on the counters of one process (two {@link Quotas} over one store behave as one). */
class LocalQuotasTest extends QuotaContract {
    private final LocalQuotaStore store = new LocalQuotaStore();

    @Override
    Quotas replica() {
        return new Quotas(store, spend, clock, registry, false);
    }
}
