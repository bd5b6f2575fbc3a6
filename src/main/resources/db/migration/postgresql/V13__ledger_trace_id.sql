-- Traces (docs/observability.md#traces, decision 0022): the W3C trace id of each request — the gateway's own
-- trace when tracing is on, else the one the client sent in traceparent; NULL when there is none — so that a
-- ledger row leads to its trace. Keep equivalent to ../h2/V13__ledger_trace_id.sql.
ALTER TABLE ledger ADD COLUMN trace_id varchar(32);
