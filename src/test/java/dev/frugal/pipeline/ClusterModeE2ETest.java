package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.ApiRoutes;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.Database;
import dev.frugal.config.RouteConfig;
import dev.frugal.config.RouteJson;
import dev.frugal.config.RouteStore;
import dev.frugal.core.TimeSource;
import dev.frugal.ledger.Ledger;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.RequiresRedis;
import dev.frugal.wire.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway in cluster mode, end to end: the ledger, teams and keys in the real PostgreSQL
 * (a fresh schema), rate limits and budgets in the real Redis (a fresh key prefix). A team and a
 * key made through the admin API, requests limited by Redis, rows in PostgreSQL, reports over them; a
 * route made through the admin API followed by a second replica (in this process, on the same schema),
 * and a change made there followed by this one after its refresh.
 */
@QuarkusTest
@TestProfile(ClusterModeE2ETest.Cluster.class)
@QuarkusTestResource(GatewayTestResource.class)
@RequiresPostgres
@RequiresRedis
class ClusterModeE2ETest {
    static final String SCHEMA = "cluster_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    static final String PREFIX = "frugal-test-" + SCHEMA + ":";
    static final String ADMIN = "Bearer frg-test-admin-key-2c5e8a1f9b7d4306";

    public static class Cluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("frugal.db.kind", "postgresql",
                    "quarkus.datasource.pg.jdbc.url", RequiresPostgres.URL + "?currentSchema=" + SCHEMA,
                    "quarkus.datasource.pg.username", RequiresPostgres.USER,
                    "quarkus.flyway.pg.schemas", SCHEMA,
                    "quarkus.flyway.pg.create-schemas", "true",
                    "frugal.redis.url", RequiresRedis.URL,
                    "frugal.redis.prefix", PREFIX,
                    "frugal.routes.refresh-interval", "1s");
        }
    }

    @Inject Database database;
    @Inject Ledger ledger;
    @Inject ConfigHolder configs;
    @Inject TimeSource time;

    @Test
    void aRouteMadeOnOneReplicaIsFollowedByAnotherOnPostgresqlAndBack() throws Exception {
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"candidates\":[\"policy-strong\",\"policy-mid\"]}").put("/admin/routes/cluster-route").then().statusCode(201);
        assertEquals("policy-strong", routedChat().header("x-frugal-model"), "ordered: the first candidate");

        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(RequiresPostgres.URL);
        ds.setUser(RequiresPostgres.USER);
        ds.setCurrentSchema(SCHEMA);
        ConfigHolder secondConfigs = new ConfigHolder();
        secondConfigs.set(configs.fileConfig());
        ApiRoutes second = new ApiRoutes(new RouteStore(ds), secondConfigs, time);
        assertNull(secondConfigs.get().route("cluster-route"));
        second.refresh();
        assertEquals(List.of("policy-strong", "policy-mid"), secondConfigs.get().route("cluster-route").candidates());

        JsonNode cheapest = Json.parse("{\"name\":\"cluster-route\",\"candidates\":[\"policy-strong\",\"policy-mid\"],\"objective\":\"cheapest\"}");
        second.put("cluster-route", current -> RouteJson.of(ConfigCompiler.compileRoute(cheapest, secondConfigs.get())), "admin-key:replica2");
        assertEquals(RouteConfig.Objective.CHEAPEST, secondConfigs.get().route("cluster-route").objective());
        long deadline = System.currentTimeMillis() + 15_000; // this replica reads the routes every second here
        String model = routedChat().header("x-frugal-model");
        while (!"policy-mid".equals(model) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            model = routedChat().header("x-frugal-model");
        }
        assertEquals("policy-mid", model, "this replica follows the change made on the other after its refresh");
        JsonPath shown = given().header("Authorization", ADMIN).get("/admin/routes/cluster-route").then().statusCode(200).extract().jsonPath();
        assertEquals(2, shown.getInt("version"));
        assertTrue(shown.getBoolean("active"));
        assertEquals("admin-key:replica2", shown.getString("updated_by"));
    }

    private static Response routedChat() {
        Response r = given().header("Authorization", "Bearer " + RoutingPolicyE2ETest.E2E).contentType("application/json")
                .body("{\"model\":\"cluster-route\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("cluster-route", r.header("x-frugal-route"));
        return r;
    }

    @Test
    void teamsKeysLimitsLedgerAndReportsLiveInPostgresqlAndRedis() throws Exception {
        assertEquals(Database.Dialect.POSTGRESQL, database.dialect());
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"cluster-team\",\"models\":[\"sim-chat\"],\"limits\":{\"rpm\":3},\"budget\":{\"usd\":5,\"period\":\"day\"}}")
                .post("/admin/teams").then().statusCode(201);
        JsonPath issued = given().header("Authorization", ADMIN).contentType("application/json").body("{\"name\":\"ci\"}")
                .post("/admin/teams/cluster-team/keys").then().statusCode(201).extract().jsonPath();
        String key = issued.getString("key");
        String keyId = issued.getString("id");

        int ok = 0, limited = 0;
        for (int i = 0; i < 5; i++) {
            Response r = given().header("Authorization", "Bearer " + key).contentType("application/json")
                    .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions");
            if (r.statusCode() == 200) ok++;
            else {
                assertEquals(429, r.statusCode(), r.asString());
                assertEquals("rate_limit_exceeded", r.jsonPath().getString("error.code"));
                limited++;
            }
        }
        assertEquals(3, ok, "rpm 3, counted in Redis");
        assertEquals(2, limited);
        assertTrue(redisKeys(PREFIX + "*") > 0, "the counters live in Redis under " + PREFIX);

        assertTrue(ledger.flush(Duration.ofSeconds(10)));
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 200) FROM ledger WHERE team = ? AND key_id = ?")) {
            ps.setString(1, "cluster-team");
            ps.setString(2, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(5, rs.getInt(1), "one row per request, in PostgreSQL");
                assertEquals(3, rs.getInt(2));
            }
        }
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonPath report = given().header("Authorization", ADMIN)
                .get("/admin/reports/usage?from=" + today + "&group_by=team,key&interval=day&team=cluster-team")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(5, report.getInt("data[0].requests"));
        assertEquals(2, report.getInt("data[0].errors"));
        assertEquals(keyId, report.getString("data[0].key_id"));
        JsonPath own = given().header("Authorization", "Bearer " + key).get("/v1/usage?from=" + today + "&group_by=team")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, own.getList("data").size(), "a team key sees its own team only");
        assertEquals("cluster-team", own.getString("data[0].team"));
    }

    @AfterAll
    static void dropSchemaAndKeys() throws Exception {
        try (Connection c = DriverManager.getConnection(RequiresPostgres.URL, RequiresPostgres.USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        } catch (Exception ignored) {
            // best effort
        }
        try {
            for (String k : redisKeyList(PREFIX + "*")) redis("DEL", k);
        } catch (Exception ignored) {
            // best effort
        }
    }

    // ---- a minimal RESP client, enough for KEYS and DEL in a test ---------------------------

    private static int redisKeys(String pattern) throws Exception {
        return redisKeyList(pattern).size();
    }

    private static java.util.List<String> redisKeyList(String pattern) throws Exception {
        String reply = redis("KEYS", pattern);
        java.util.List<String> keys = new java.util.ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i < lines.length; i++) if (!lines[i].startsWith("$")) keys.add(lines[i]);
        return keys;
    }

    private static String redis(String... args) throws Exception {
        try (Socket s = new Socket("127.0.0.1", 6379)) {
            StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) cmd.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            Thread.sleep(100);
            byte[] buf = new byte[1 << 16];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }
}
