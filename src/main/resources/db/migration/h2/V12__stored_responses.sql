-- Responses API (docs/responses.md): responses kept for GET /v1/responses/{id}, input_items and
-- previous_response_id, one row per response, owned by one team (every read names the team).
-- input_items is the whole context sent to the model (earlier turns' input and output, then this
-- request's input) as a JSON array, so a continuation reads one row. Rows older than
-- frugal.responses.retention are deleted in batches. Keep equivalent to ../postgresql/V12__stored_responses.sql.
CREATE TABLE stored_response (
    id            varchar(64) PRIMARY KEY,
    team          text NOT NULL,
    created_at    timestamp NOT NULL,
    response      text NOT NULL,
    input_items   text NOT NULL
);
CREATE INDEX stored_response_created ON stored_response (created_at);
