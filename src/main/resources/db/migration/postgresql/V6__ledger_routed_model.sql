-- What routing chose for each request (docs/routing.md#headers-and-the-ledger): the configured model that
-- answered (x-frugal-model; the first choice when none answered) and the quality (0..1) routing predicted for
-- it; both null for rows written before this migration, the quality also when nothing predicted it.
-- Keep equivalent to ../h2/V6__ledger_routed_model.sql.
-- Added on the partitioned parent: existing partitions get the columns too, and Retention's new ones inherit them.
ALTER TABLE ledger ADD COLUMN served_model text;
ALTER TABLE ledger ADD COLUMN predicted_quality double precision;
