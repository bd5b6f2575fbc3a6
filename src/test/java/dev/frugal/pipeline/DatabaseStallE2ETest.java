package dev.frugal.pipeline;

import dev.frugal.ledger.Ledger;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.PausableProxy;
import dev.frugal.testsupport.RequiresPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL stall (issue 10): the gateway on PostgreSQL through a {@link PausableProxy}, paused
 * while the test runs requests. Readiness answers at once and stays UP; chat keeps working, with
 * the file's keys, with a key issued through the admin API and to a route made through it; reports,
 * a team's usage, admin reads and writes (a team's, a route's) and the first request of a budget
 * whose spend is unknown answer 503 within their bound instead of hanging for the stall; after the database resumes, everything works again and every
 * ledger row of the stall is written exactly once (rollups included).
 */
@QuarkusTest
@TestProfile(DatabaseStallE2ETest.OnPostgresThroughAProxy.class)
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DatabaseStallE2ETest.Proxy.class, restrictToAnnotatedClass = true)
@RequiresPostgres
class DatabaseStallE2ETest {
    static final String SCHEMA = "stall_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    static final String ADMIN = "Bearer frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String ALPHA = "Bearer frg-test-alpha-key";
    static final String E2E = "Bearer frg-test-e2e-key";
    /** frugal.db.timeout and frugal.db.report-timeout in this test. */
    static final long BOUND_MS = 2_000;
    /** What a loaded 2-core machine may add to a bound before the answer arrives. */
    static final long SLACK_MS = 2_500;

    public static class OnPostgresThroughAProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("frugal.db.kind", "postgresql",
                    "quarkus.datasource.pg.username", RequiresPostgres.USER,
                    "quarkus.flyway.pg.schemas", SCHEMA,
                    "quarkus.flyway.pg.create-schemas", "true",
                    "frugal.db.timeout", BOUND_MS + "ms",
                    "frugal.db.report-timeout", BOUND_MS + "ms");
        }
    }

    /** The proxy in front of PostgreSQL, started before the gateway (which reaches PostgreSQL only through it). */
    public static class Proxy implements QuarkusTestResourceLifecycleManager {
        private PausableProxy proxy;

        @Override
        public Map<String, String> start() {
            proxy = new PausableProxy(RequiresPostgres.HOST, RequiresPostgres.PORT);
            return Map.of("quarkus.datasource.pg.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + SCHEMA);
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(proxy, new TestInjector.MatchesType(PausableProxy.class));
        }

        @Override
        public void stop() {
            if (proxy != null) proxy.close();
        }
    }

    PausableProxy proxy;
    @Inject Ledger ledger;
    @Inject LedgerRows rows;

    @Test
    void aStalledDatabaseNeitherHangsReadinessNorRequestsAndLosesNoLedgerRow() throws Exception {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        // before the stall: an API-made team and its key, and everything warm
        client().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"stall-team\",\"models\":[\"sim-chat\"]}").post("/admin/teams").then().statusCode(201);
        String issued = "Bearer " + client().header("Authorization", ADMIN).contentType("application/json").body("{}")
                .post("/admin/teams/stall-team/keys").then().statusCode(201).extract().jsonPath().getString("key");
        assertEquals(200, chat(issued, "sim-chat").statusCode());
        client().header("Authorization", ADMIN).contentType("application/json").body("{\"candidates\":[\"sim-chat\"]}")
                .put("/admin/routes/stall-route").then().statusCode(201);
        assertEquals(200, client().header("Authorization", ADMIN).get("/admin/reports/usage?from=" + today).statusCode());
        assertEquals(200, client().get("/q/health/ready").statusCode());
        assertTrue(ledger.flush(Duration.ofSeconds(10)));

        List<String> stallRows = new ArrayList<>();
        proxy.pause();
        try {
            Timed ready = timed(() -> client().get("/q/health/ready"));
            assertEquals(200, ready.response.statusCode(), ready.response.asString());
            assertEquals("UP", ready.response.jsonPath().getString("status"));
            assertTrue(ready.millis < 1_000, "readiness answers within a second: " + ready.millis + " ms");

            for (String key : List.of(ALPHA, issued, ALPHA, issued)) {
                Response r = chat(key, "sim-chat");
                assertEquals(200, r.statusCode(), "chat needs no database: " + r.asString());
                stallRows.add(r.header("x-request-id"));
            }
            Response routed = chat(E2E, "stall-route");
            assertEquals(200, routed.statusCode(), "a route made through the admin API is routed from memory: " + routed.asString());
            assertEquals("stall-route", routed.header("x-frugal-route"));
            stallRows.add(routed.header("x-request-id"));

            assertUnavailable("a report", timed(() -> client().header("Authorization", ADMIN).get("/admin/reports/usage?from=" + today)));
            assertUnavailable("a team's usage", timed(() -> client().header("Authorization", ALPHA).get("/v1/usage?from=" + today)));
            assertUnavailable("an admin write", timed(() -> client().header("Authorization", ADMIN).contentType("application/json")
                    .body("{\"name\":\"made-in-a-stall\",\"models\":[\"sim-chat\"]}").post("/admin/teams")));
            assertUnavailable("an admin read", timed(() -> client().header("Authorization", ADMIN).get("/admin/teams")));
            assertUnavailable("a route's change", timed(() -> client().header("Authorization", ADMIN).contentType("application/json")
                    .body("{\"candidates\":[\"sim-chat\"],\"objective\":\"cheapest\"}").put("/admin/routes/stall-route")));
            assertUnavailable("the routes", timed(() -> client().header("Authorization", ADMIN).get("/admin/routes")));

            // many at once: more than the lanes' threads, each still answered within its bound, and nothing else held up
            ExecutorService clients = Executors.newFixedThreadPool(12);
            try {
                List<Future<Timed>> burst = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    burst.add(clients.submit(() -> timed(() -> client().header("Authorization", ADMIN).get("/admin/reports/usage?from=" + today))));
                    burst.add(clients.submit(() -> timed(() -> client().header("Authorization", ADMIN).get("/admin/audit"))));
                }
                Timed readyMeanwhile = timed(() -> client().get("/q/health/ready"));
                Response chatMeanwhile = chat(ALPHA, "sim-chat");
                for (Future<Timed> f : burst) assertUnavailable("one of a burst", f.get(30, TimeUnit.SECONDS));
                assertEquals(200, readyMeanwhile.response.statusCode());
                // sharing 2 loaded cores with the burst's 12 requests: not within a second, but never waiting for the database
                assertTrue(readyMeanwhile.millis < BOUND_MS, "readiness during the burst: " + readyMeanwhile.millis + " ms");
                assertEquals(200, chatMeanwhile.statusCode(), chatMeanwhile.asString());
                stallRows.add(chatMeanwhile.header("x-request-id"));
            } finally {
                clients.shutdownNow();
            }

            // the budget's spend cannot be read: a store failure (on-store-failure=closed), in time
            Timed budgeted = timed(() -> chat("Bearer frg-test-budget-key", "priced-sim"));
            assertEquals(503, budgeted.response.statusCode(), budgeted.response.asString());
            assertEquals("quota_store_unavailable", budgeted.response.jsonPath().getString("error.code"));
            assertTrue(budgeted.millis < BOUND_MS + SLACK_MS, "the spend read is bounded: " + budgeted.millis + " ms");
            stallRows.add(budgeted.response.header("x-request-id"));

            assertTrue(ledger.pending() >= stallRows.size(), "the stall's rows wait in memory: " + ledger.pending());
            Timed stillReady = timed(() -> client().get("/q/health/ready"));
            assertEquals(200, stillReady.response.statusCode(), stillReady.response.asString());
            assertTrue(stillReady.millis < 1_000, "readiness still answers at once: " + stillReady.millis + " ms");
        } finally {
            proxy.resume();
        }

        // after the stall: every row of it exactly once (LedgerRows fails on a second row), rollups to match
        assertTrue(ledger.flush(Duration.ofSeconds(30)), "the writer caught up");
        assertEquals(stallRows.size(), rows.rows(stallRows).size());
        assertRollupsMatchRows();
        assertEquals(200, client().header("Authorization", ADMIN).get("/admin/reports/usage?from=" + today).statusCode());
        assertEquals(200, client().header("Authorization", ALPHA).get("/v1/usage?from=" + today).statusCode());
        client().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"made-after-the-stall\",\"models\":[\"sim-chat\"]}").post("/admin/teams").then().statusCode(201);
        assertEquals(200, chat("Bearer frg-test-budget-key", "priced-sim").statusCode(), "the budget's spend is read again");
        assertEquals(200, chat(issued, "sim-chat").statusCode());
        assertEquals(200, client().get("/q/health/ready").statusCode());
        assertTrue(ledger.flush(Duration.ofSeconds(10)), "the last rows written before the schema is dropped");
    }

    private static void assertUnavailable(String what, Timed t) {
        Response r = t.response;
        assertEquals(503, r.statusCode(), what + ": " + r.asString());
        assertEquals("database_unavailable", r.jsonPath().getString("error.code"), r.asString());
        assertEquals("service_unavailable_error", r.jsonPath().getString("error.type"), r.asString());
        assertEquals("2", r.header("retry-after"), what);
        assertTrue(t.millis < BOUND_MS + SLACK_MS, what + " answers within its bound, not after the stall: " + t.millis + " ms");
    }

    /** Each rollup row's request count equals the raw rows it sums: no batch was written twice. */
    private static void assertRollupsMatchRows() throws Exception {
        try (Connection c = direct(); PreparedStatement ps = c.prepareStatement(
                "SELECT (SELECT COUNT(*) FROM ledger), (SELECT COALESCE(SUM(requests), 0) FROM ledger_daily)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(rs.getLong(1), rs.getLong(2), "rows written = requests in the rollups");
        }
    }

    private static Response chat(String key, String model) {
        return client().header("Authorization", key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":10}")
                .post("/v1/chat/completions");
    }

    /** A client that gives up after 8 s, so that a request hanging for the stall fails the test instead of waiting for it. */
    private static RequestSpecification client() {
        return given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.connection.timeout", 2_000).setParam("http.socket.timeout", 8_000)));
    }

    private record Timed(Response response, long millis) {}

    private static Timed timed(Supplier<Response> call) {
        long start = System.nanoTime();
        Response r = call.get();
        return new Timed(r, (System.nanoTime() - start) / 1_000_000);
    }

    private static Connection direct() throws Exception {
        Connection c = DriverManager.getConnection(RequiresPostgres.URL, RequiresPostgres.USER, "");
        c.setSchema(SCHEMA);
        return c;
    }

    @AfterAll
    static void dropSchema() {
        try (Connection c = DriverManager.getConnection(RequiresPostgres.URL, RequiresPostgres.USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        } catch (Exception ignored) {
            // best effort
        }
    }
}
