package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.testsupport.FakeTime;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.frugal.config.RouteOverlayTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routes of the admin API over a real database: versions written and kept (never reused, also across a
 * delete), a refused change leaving nothing, the snapshot of the replica that made a change following it
 * at once and a second replica's after its refresh, and the routes surviving a restart.
 */
class ApiRoutesTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final String BY = "admin-key:0123abcd";
    static final JsonNode CHEAP = json("{\"name\":\"auto\",\"candidates\":[\"cheap\",\"strong\"],\"objective\":\"cheapest\",\"min-quality\":0.6}");
    static final JsonNode BEST = json("{\"name\":\"auto\",\"candidates\":[\"cheap\",\"strong\"],\"objective\":\"best\"}");

    @Nested
    class OnH2 extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.H2); }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.POSTGRESQL); }
    }

    static ConfigHolder holder() {
        ConfigHolder h = new ConfigHolder();
        h.set(RouteOverlayTest.FILE);
        return h;
    }

    abstract static class Cases {
        DataSource ds;
        FakeTime clock;

        abstract DataSource fresh();

        @BeforeEach
        void setUp() {
            ds = fresh();
            clock = new FakeTime(T0);
        }

        ApiRoutes replica(ConfigHolder configs) {
            ApiRoutes r = new ApiRoutes(new RouteStore(ds), configs, clock);
            r.refresh();
            return r;
        }

        @Test
        void everyChangeIsANewVersionAndTheHistoryIsKept() {
            RouteStore store = new RouteStore(ds);
            RouteStore.Change created = store.put("auto", current -> CHEAP, T0, BY);
            assertEquals(Optional.empty(), created.before());
            assertEquals(1, created.after().orElseThrow().version());
            RouteStore.Change updated = store.put("auto", current -> {
                assertEquals(1, current.orElseThrow().version());
                return BEST;
            }, T0.plusSeconds(1), BY);
            assertEquals(CHEAP, updated.before().orElseThrow().spec());
            assertEquals(2, updated.after().orElseThrow().version());
            assertEquals(BEST, store.route("auto").orElseThrow().spec());

            assertEquals(BEST, store.delete("auto", T0.plusSeconds(2), BY).before().orElseThrow().spec());
            assertEquals(Optional.empty(), store.route("auto"));
            assertTrue(store.delete("auto", T0.plusSeconds(3), BY).before().isEmpty(), "nothing to delete");
            assertEquals(4, store.put("auto", current -> CHEAP, T0.plusSeconds(4), BY).after().orElseThrow().version(),
                    "a version number is never reused, also across a delete");

            List<RouteStore.Version> versions = store.versions("auto");
            assertEquals(List.of(1L, 2L, 3L, 4L), versions.stream().map(RouteStore.Version::version).toList());
            assertNull(versions.get(2).spec(), "the deletion");
            assertEquals(BEST, versions.get(1).spec());
            assertEquals(T0.plusSeconds(1), versions.get(1).at());
            assertEquals(BY, versions.get(1).by());
            assertEquals(List.of(), store.versions("other"));
        }

        @Test
        void aRefusedChangeWritesNothing() {
            RouteStore store = new RouteStore(ds);
            store.put("auto", current -> CHEAP, T0, BY);
            assertThrows(IllegalArgumentException.class, () -> store.put("auto", current -> {
                throw new IllegalArgumentException("refused");
            }, T0, BY));
            assertEquals(1, store.route("auto").orElseThrow().version());
            assertEquals(1, store.versions("auto").size());
        }

        /** Two replicas over one database: the one that changes a route follows it at once, the other after its refresh. */
        @Test
        void aSecondReplicaFollowsAChangeAfterItsRefresh() {
            ConfigHolder configsA = holder(), configsB = holder();
            ApiRoutes a = replica(configsA), b = replica(configsB);
            assertEquals(RouteConfig.Objective.ORDERED, configsB.get().route("auto").objective(), "the file's route");

            a.put("auto", current -> CHEAP, BY);
            assertEquals(RouteConfig.Objective.CHEAPEST, configsA.get().route("auto").objective(), "at once where it was made");
            assertEquals(RouteConfig.Objective.ORDERED, configsB.get().route("auto").objective(), "not before the refresh");
            b.refresh();
            assertEquals(RouteConfig.Objective.CHEAPEST, configsB.get().route("auto").objective());
            assertEquals(0.6, configsB.get().route("auto").minQuality());
            assertEquals(1L, b.appliedVersion("auto"));

            a.put("api-only", current -> json("{\"name\":\"api-only\",\"candidates\":[\"strong\"]}"), BY);
            b.refresh();
            assertEquals(List.of("to-auto", "to-api"), configsB.get().rules().stream().map(RuleConfig::name).toList(),
                    "the rule to a route only the API defines counts once the route exists");

            a.delete("auto", BY);
            a.delete("api-only", BY);
            b.refresh();
            assertEquals(RouteConfig.Objective.ORDERED, configsB.get().route("auto").objective(), "back to the file's route");
            assertNull(configsB.get().route("api-only"));
            assertEquals(List.of("to-auto"), configsB.get().rules().stream().map(RuleConfig::name).toList());
        }

        @Test
        void aReloadOfTheFileKeepsTheApiRoutes() {
            ConfigHolder configs = holder();
            ApiRoutes routes = replica(configs);
            routes.put("api-only", current -> json("{\"name\":\"api-only\",\"candidates\":[\"strong\"]}"), BY);
            configs.set(ConfigCompiler.compile(RouteOverlayTest.YAML.replace("- { name: strong, deployments: [{ provider: sim }] }", "")
                    .replace("[strong, cheap]", "[cheap]"), v -> null));
            assertNull(configs.get().model("strong"));
            assertEquals(List.of("strong"), configs.get().route("api-only").candidates(), "kept; routing drops the missing model");
            assertTrue(configs.apiRouteProblems().isEmpty());
        }
    }

    /** The routes are in the database file, not in the process: a new process finds them, at the same version. */
    @Test
    void routesSurviveARestartOnAnH2File() {
        Path dir = Path.of("target", "routes-restart", Long.toHexString(System.nanoTime()));
        String url = "jdbc:h2:file:./" + dir + "/frugal;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        FakeTime clock = new FakeTime(T0);

        ConfigHolder before = holder();
        ApiRoutes first = new ApiRoutes(new RouteStore(migrated(url)), before, clock);
        first.refresh();
        first.put("auto", current -> CHEAP, BY);
        clock.advance(Duration.ofMinutes(1));
        first.put("auto", current -> BEST, BY);

        ConfigHolder after = holder();
        ApiRoutes second = new ApiRoutes(new RouteStore(migrated(url)), after, clock);
        assertEquals(RouteConfig.Objective.ORDERED, after.get().route("auto").objective(), "nothing read yet");
        second.refresh();
        assertEquals(RouteConfig.Objective.BEST, after.get().route("auto").objective());
        assertEquals(2L, second.appliedVersion("auto"));
        assertEquals(2, second.versions("auto").size());
    }

    private static DataSource migrated(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/h2").load().migrate();
        return ds;
    }
}
