-- The response cache (docs/cache.md): what each cache hit saved — the stored answer's original cost minus
-- what the hit was billed (micro-USD; 0 for every other row) — and its sum in the daily rollups, so that
-- reports and /v1/usage show cache savings per team. ledger.cache_hit and ledger_daily.cache_hits exist
-- since V2. Keep equivalent to ../h2/V7__ledger_cache_savings.sql.
-- Added on the partitioned parent: existing partitions get the column too, and Retention's new ones inherit it.
ALTER TABLE ledger ADD COLUMN cache_saved_micros bigint NOT NULL DEFAULT 0;
ALTER TABLE ledger_daily ADD COLUMN cache_saved_micros bigint NOT NULL DEFAULT 0;
