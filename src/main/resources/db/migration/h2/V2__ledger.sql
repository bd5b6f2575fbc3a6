-- The usage ledger (dev.frugal.ledger): one raw row per request, and exact daily rollups that the
-- writer updates in the same transaction as the rows. Keep equivalent to ../postgresql/V2__ledger.sql
-- (there the raw table is partitioned by day; here dev.frugal.ledger.Retention deletes in batches).
CREATE TABLE ledger (
    request_id            varchar NOT NULL,
    ts                    timestamp NOT NULL,   -- UTC
    team                  varchar NOT NULL,
    key_id                varchar,
    endpoint              varchar NOT NULL,
    requested_model       varchar NOT NULL,
    route                 varchar,
    provider              varchar NOT NULL,
    deployment            varchar NOT NULL,
    upstream_model        varchar NOT NULL,
    status                integer NOT NULL,
    error_code            varchar,
    prompt_tokens         bigint NOT NULL,
    completion_tokens     bigint NOT NULL,
    cached_tokens         bigint NOT NULL,
    reasoning_tokens      bigint NOT NULL,
    cost_micros           bigint NOT NULL,      -- micro-USD
    reference_cost_micros bigint NOT NULL,      -- micro-USD on the team's reference model
    price_version         varchar,
    unpriced              boolean NOT NULL,
    estimated             boolean NOT NULL,
    latency_ms            bigint NOT NULL,
    ttft_ms               bigint,               -- null when not streamed
    streamed              boolean NOT NULL,
    cache_hit             boolean NOT NULL,
    client_disconnected   boolean NOT NULL,
    attempts              integer NOT NULL,
    attempt_log           varchar
);

CREATE INDEX ledger_ts ON ledger (ts);
CREATE INDEX ledger_team_ts ON ledger (team, ts);

CREATE TABLE ledger_daily (
    usage_day             date NOT NULL,        -- UTC day of ledger.ts (DAY is a keyword in H2)
    team                  varchar NOT NULL,
    key_id                varchar NOT NULL,         -- '' for requests without a key id
    model                 varchar NOT NULL,         -- upstream model, else the requested one
    provider              varchar NOT NULL,         -- '' when no provider was tried
    requests              bigint NOT NULL DEFAULT 0,
    errors                bigint NOT NULL DEFAULT 0,
    prompt_tokens         bigint NOT NULL DEFAULT 0,
    completion_tokens     bigint NOT NULL DEFAULT 0,
    cached_tokens         bigint NOT NULL DEFAULT 0,
    reasoning_tokens      bigint NOT NULL DEFAULT 0,
    cost_micros           bigint NOT NULL DEFAULT 0,
    reference_cost_micros bigint NOT NULL DEFAULT 0,
    cache_hits            bigint NOT NULL DEFAULT 0,
    unpriced              bigint NOT NULL DEFAULT 0,
    estimated             bigint NOT NULL DEFAULT 0,
    latency_sum_ms        bigint NOT NULL DEFAULT 0,
    -- latency histogram (dev.frugal.ledger.LatencyBuckets): lat_le_N counts latencies in (previous bound, N] ms
    lat_le_10        bigint NOT NULL DEFAULT 0,
    lat_le_20        bigint NOT NULL DEFAULT 0,
    lat_le_30        bigint NOT NULL DEFAULT 0,
    lat_le_50        bigint NOT NULL DEFAULT 0,
    lat_le_75        bigint NOT NULL DEFAULT 0,
    lat_le_100       bigint NOT NULL DEFAULT 0,
    lat_le_150       bigint NOT NULL DEFAULT 0,
    lat_le_200       bigint NOT NULL DEFAULT 0,
    lat_le_300       bigint NOT NULL DEFAULT 0,
    lat_le_400       bigint NOT NULL DEFAULT 0,
    lat_le_500       bigint NOT NULL DEFAULT 0,
    lat_le_750       bigint NOT NULL DEFAULT 0,
    lat_le_1000      bigint NOT NULL DEFAULT 0,
    lat_le_1500      bigint NOT NULL DEFAULT 0,
    lat_le_2000      bigint NOT NULL DEFAULT 0,
    lat_le_3000      bigint NOT NULL DEFAULT 0,
    lat_le_4000      bigint NOT NULL DEFAULT 0,
    lat_le_5000      bigint NOT NULL DEFAULT 0,
    lat_le_7500      bigint NOT NULL DEFAULT 0,
    lat_le_10000     bigint NOT NULL DEFAULT 0,
    lat_le_15000     bigint NOT NULL DEFAULT 0,
    lat_le_20000     bigint NOT NULL DEFAULT 0,
    lat_le_30000     bigint NOT NULL DEFAULT 0,
    lat_le_45000     bigint NOT NULL DEFAULT 0,
    lat_le_60000     bigint NOT NULL DEFAULT 0,
    lat_le_90000     bigint NOT NULL DEFAULT 0,
    lat_le_120000    bigint NOT NULL DEFAULT 0,
    lat_le_300000    bigint NOT NULL DEFAULT 0,
    lat_gt_300000    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (usage_day, team, key_id, model, provider)
);

-- spend of one team (budgets) and reports filtered by team
CREATE INDEX ledger_daily_team_day ON ledger_daily (team, usage_day);
