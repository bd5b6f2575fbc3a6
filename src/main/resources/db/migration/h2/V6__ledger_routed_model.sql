-- What routing chose for each request (docs/routing.md#headers-and-the-ledger): the configured model that
-- answered (x-frugal-model; the first choice when none answered) and the quality (0..1) routing predicted for
-- it; both null for rows written before this migration, the quality also when nothing predicted it.
-- Keep equivalent to ../postgresql/V6__ledger_routed_model.sql.
ALTER TABLE ledger ADD COLUMN served_model varchar;
ALTER TABLE ledger ADD COLUMN predicted_quality double precision;
