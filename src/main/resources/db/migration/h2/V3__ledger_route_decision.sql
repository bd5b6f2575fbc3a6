-- The routing decision of each request in one line (dev.frugal.routing.Decision#compact, at most 512
-- characters): the strategy, the deployments in the order tried with their scores, those left out with
-- why. Null for rows written before this migration. Keep equivalent to ../postgresql/V3__ledger_route_decision.sql.
ALTER TABLE ledger ADD COLUMN route_decision varchar;
