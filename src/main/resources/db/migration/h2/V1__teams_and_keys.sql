-- Teams and the API keys the admin API issues (keys listed in frugal.yaml are never stored).
-- Kept equivalent to ../postgresql/V1__teams_and_keys.sql, but for one thing: no CHECK on source here.
-- H2 2.4 binds a CHECK that compares strings to the session that created it: once Flyway's
-- connection is closed, every insert fails with "Check constraint invalid". The code writes only
-- 'config' or 'api' (tenancy.Source); PostgreSQL checks it as well.

-- A team's policy mirrors teams[] of frugal.yaml. models, budgets and limits are JSON text in the
-- admin API's shape (models: ["a","b"], empty = every model; budgets: [{"usd":"500","period":"month",
-- "mode":"hard"}]; limits: {"rpm":0,"tpm":0,"concurrent":0}). source: 'config' = declared in the
-- file, which overwrites it on every start and reload; 'api' = created through the admin API.
CREATE TABLE teams (
    name            VARCHAR(128) PRIMARY KEY,
    models          VARCHAR      NOT NULL,
    budgets         VARCHAR      NOT NULL,
    limits          VARCHAR      NOT NULL,
    reference_model VARCHAR(128),
    source          VARCHAR(8)   NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- An issued key: only its SHA-256 (hex) and a short display prefix are kept, never the key.
-- limits and budgets: per-key policy in the same JSON shapes as the team's (NULL = none).
CREATE TABLE api_keys (
    id         VARCHAR(40)  PRIMARY KEY,
    team       VARCHAR(128) NOT NULL REFERENCES teams (name),
    key_hash   VARCHAR(64)  NOT NULL UNIQUE,
    prefix     VARCHAR(16)  NOT NULL,
    name       VARCHAR(128),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE,
    revoked_at TIMESTAMP WITH TIME ZONE,
    limits     VARCHAR,
    budgets    VARCHAR,
    source     VARCHAR(8)   NOT NULL
);

CREATE INDEX api_keys_team ON api_keys (team);
