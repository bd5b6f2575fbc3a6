-- The ledger keeps one index on time on PostgreSQL too, (team, ts), as H2 did in its V14: every read of raw rows
-- names its teams (dev.frugal.ledger.Reports), the daily partitions bound a time range, and retention drops whole
-- partitions. ledger_ts cost the server an index insert a row (docs/decisions/0039-packed-embedded-ledger.md).
-- Dropping the partitioned index drops it on every partition.
DROP INDEX IF EXISTS ledger_ts;
