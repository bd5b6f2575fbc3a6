-- Issue 11: cascades, shadow policies, and the data policy of teams made through the admin API.
-- Keep equivalent to ../h2/V10__cascade_shadow_team_data_policy.sql.
-- Added on the partitioned parent: existing partitions get the columns too, and Retention's new ones inherit them.
-- cascade_steps: answers a cascade route's request paid for (escalated ones and the one served; 0 = no cascade);
-- cascade_cost_micros: the part of cost_micros paid for the escalated ones.
ALTER TABLE ledger ADD COLUMN cascade_steps integer NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN cascade_cost_micros bigint NOT NULL DEFAULT 0;
-- shadow_model: the model the route's shadow policy would have chosen (null: none); shadow_cost_micros: the
-- request's usage priced on it (null: no shadow, or that model has no price).
ALTER TABLE ledger ADD COLUMN shadow_model text;
ALTER TABLE ledger ADD COLUMN shadow_cost_micros bigint;
-- A team's data-policy ('local-only'; null = any), for teams of the admin API as for those of the file.
ALTER TABLE teams ADD COLUMN data_policy varchar(16);
