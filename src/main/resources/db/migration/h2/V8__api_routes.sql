-- Routes made through the admin API (dev.frugal.config.ApiRoutes, RouteStore), versioned.
-- Keep equivalent to ../postgresql/V8__api_routes.sql.
--
-- api_routes: the current version of each route the API defines; one row per route name. spec: the
-- route as JSON text, with the keys of routes[] in frugal.yaml (name, candidates, objective,
-- min-quality, …). A row here wins over a file route of the same name until it is deleted.
-- updated_by: the admin credential's id ('admin-key:' and 8 hex digits), never the credential.
CREATE TABLE api_routes (
    name       varchar(128) PRIMARY KEY,
    version    bigint       NOT NULL,
    spec       varchar          NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by varchar(64)  NOT NULL
);

-- Every version ever written, kept: each PUT adds one (version 1, 2, … per name, never reused, also
-- across a delete), each DELETE one whose spec is NULL. A route's examples (another table, keyed by
-- the route's name) are not touched by either.
CREATE TABLE api_route_versions (
    name       varchar(128) NOT NULL,
    version    bigint       NOT NULL,
    spec       varchar,
    created_at timestamp with time zone NOT NULL,
    created_by varchar(64)  NOT NULL,
    PRIMARY KEY (name, version)
);
