-- The embedded ledger keeps one index on time, (team, ts): every insert into ledger_ts cost the writer about a
-- sixth of its time on the hot path's load (docs/benchmarks.md, issue 15). Reads of raw rows name their teams
-- (dev.frugal.ledger.Reports: the teams with rollups in the span; Retention: team by team), so they still read
-- through ledger_team_ts. PostgreSQL is unchanged (its writer was not measured to need it).
DROP INDEX ledger_ts;
