package dev.frugal.admin;

import dev.frugal.config.Database;
import dev.frugal.core.KeyHash;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API for teams and keys end to end: over HTTP, with the admin key, on the in-memory H2
 * database of the test profile; issued keys used on /v1 like any client would.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class TeamsAdminTest {
    static final String ADMIN = "Bearer frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String CHAT = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Inject Database database;

    /** Team names are unique per test: all Quarkus tests of this JVM share one database. */
    static String unique(String base) { return base + "-" + UUID.randomUUID().toString().substring(0, 8); }

    static RequestSpecification admin() {
        return given().header("Authorization", ADMIN).contentType("application/json").urlEncodingEnabled(false);
    }

    static ValidatableResponse createTeam(String body) {
        return admin().body(body).post("/admin/teams").then();
    }

    static JsonPath issue(String team, String body) {
        return admin().body(body).post("/admin/teams/" + team + "/keys").then().statusCode(201).extract().jsonPath();
    }

    static ValidatableResponse models(String key) {
        return given().header("Authorization", "Bearer " + key).get("/v1/models").then();
    }

    static ValidatableResponse chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json").body(CHAT).post("/v1/chat/completions").then();
    }

    static void isError(ValidatableResponse r, int status, String code, String param) {
        r.statusCode(status).contentType("application/json").body("error.message", notNullValue())
                .body("error.type", notNullValue()).body("error.code", equalTo(code))
                .body("error.param", param == null ? nullValue() : equalTo(param))
                .body(not(containsString("Exception")));
    }

    @Test
    void aTeamIsCreatedReadListedChangedAndDeleted() {
        String name = unique("crud");
        createTeam("{\"name\":\"" + name + "\",\"models\":[\"sim-chat\",\"gpt-test\"],\"budget\":{\"usd\":12.5,\"period\":\"week\"},"
                + "\"limits\":{\"rpm\":60,\"tpm\":1000},\"reference_model\":\"gpt-test\"}")
                .statusCode(201).body("object", equalTo("team")).body("name", equalTo(name))
                .body("models", equalTo(List.of("gpt-test", "sim-chat"))).body("budget[0].usd", equalTo(12.5f))
                .body("budget[0].period", equalTo("week")).body("budget[0].mode", equalTo("hard"))
                .body("limits.rpm", equalTo(60)).body("limits.concurrent", equalTo(0))
                .body("reference_model", equalTo("gpt-test")).body("source", equalTo("api")).body("active", equalTo(true))
                .body("created_at", notNullValue());
        admin().get("/admin/teams/" + name).then().statusCode(200).body("limits.tpm", equalTo(1000));
        admin().get("/admin/teams").then().statusCode(200).body("object", equalTo("list"))
                .body("data.name", hasItem(name)).body("data.name", hasItem("alpha"))
                .body("data.find { it.name == 'alpha' }.source", equalTo("config"));

        admin().body("{\"limits\":{\"rpm\":120},\"reference_model\":null}").patch("/admin/teams/" + name).then().statusCode(200)
                .body("limits.rpm", equalTo(120)).body("limits.tpm", equalTo(0)).body("reference_model", nullValue())
                .body("models", equalTo(List.of("gpt-test", "sim-chat"))).body("budget[0].usd", equalTo(12.5f));
        admin().body("{\"models\":[\"sim-chat\"]}").put("/admin/teams/" + name).then().statusCode(200)
                .body("models", equalTo(List.of("sim-chat"))).body("budget", equalTo(List.of())).body("limits.rpm", equalTo(0));
        isError(admin().body("{\"name\":\"renamed\"}").patch("/admin/teams/" + name).then(), 400, "invalid_value", "name");

        issue(name, "{}");
        admin().delete("/admin/teams/" + name).then().statusCode(200).body("deleted", equalTo(true)).body("keys_deleted", equalTo(1));
        isError(admin().get("/admin/teams/" + name).then(), 404, "team_not_found", null);
        isError(admin().delete("/admin/teams/" + name).then(), 404, "team_not_found", null);
    }

    @Test
    void duplicatesAndTeamsOfTheFileAre409() {
        String name = unique("dup");
        createTeam("{\"name\":\"" + name + "\"}").statusCode(201).body("models", equalTo(List.of()));
        isError(createTeam("{\"name\":\"" + name + "\"}"), 409, "team_already_exists", "name");
        isError(createTeam("{\"name\":\"alpha\"}"), 409, "team_already_exists", "name");
        isError(admin().body("{\"limits\":{\"rpm\":1}}").patch("/admin/teams/alpha").then(), 409, "team_managed_by_config", null);
        isError(admin().delete("/admin/teams/alpha").then(), 409, "team_managed_by_config", null);
        admin().get("/admin/teams/alpha").then().statusCode(200).body("limits.rpm", equalTo(0));
    }

    @Test
    void unknownModelsAreRejected() {
        isError(createTeam("{\"name\":\"" + unique("m") + "\",\"models\":[\"sim-chat\",\"gpt-tset\"]}"), 400, "invalid_value", "models[1]");
        String name = unique("m");
        createTeam("{\"name\":\"" + name + "\",\"models\":[\"sim-chat\"]}").statusCode(201);
        isError(admin().body("{\"models\":[\"nope\"]}").patch("/admin/teams/" + name).then(), 400, "invalid_value", "models[0]");
    }

    @Test
    void badBodiesAre400NeverA500() {
        String team = unique("bad");
        createTeam("{\"name\":\"" + team + "\"}").statusCode(201);
        Map<String, String> teamBodies = Map.ofEntries(
                Map.entry("{\"name\":", "(json)"),
                Map.entry("[1,2]", "(none)"),
                Map.entry("\"team\"", "(none)"),
                Map.entry("{}", "name"),
                Map.entry("{\"name\":\"x'; DROP TABLE teams;--\"}", "name"),
                Map.entry("{\"name\":\"" + "n".repeat(200) + "\"}", "name"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"colour\":\"red\"}", "colour"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"models\":\"sim-chat\"}", "models"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"models\":[{}]}", "models[0]"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"budget\":{\"usd\":-1}}", "budget.usd"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"budget\":{\"usd\":\"1e400\"}}", "budget.usd"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"budget\":{\"usd\":5,\"period\":\"year\"}}", "budget.period"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"budget\":[{\"usd\":5},{\"usd\":6}]}", "budget[1].period"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"limits\":{\"rpm\":-5}}", "limits.rpm"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"limits\":{\"rpm\":1.5}}", "limits"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"limits\":[]}", "limits"),
                Map.entry("{\"name\":\"ok-" + team + "\",\"reference_model\":{}}", "reference_model"),
                Map.entry("{\"name\":\"${HOME}\"}", "name"));
        teamBodies.forEach((body, param) -> {
            ValidatableResponse r = createTeam(body).statusCode(400).body("error.type", equalTo("invalid_request_error"));
            if (!param.startsWith("(")) r.body("error.param", equalTo(param));
        });
        Map<String, String> keyBodies = Map.of(
                "{\"nmae\":\"x\"}", "nmae",
                "{\"name\":5}", "name",
                "{\"name\":\"tab\\there\"}", "name",
                "{\"expires_in\":\"soon\"}", "expires_in",
                "{\"expires_in\":\"1d\",\"expires_at\":\"2099-01-01\"}", "expires_in",
                "{\"expires_at\":\"2001-01-01T00:00:00Z\"}", "expires_at",
                "{\"expires_at\":\"tomorrow\"}", "expires_at",
                "{\"limits\":{\"tpm\":\"lots\"}}", "limits.tpm",
                "{\"budget\":{\"usd\":1,\"mode\":\"gentle\"}}", "budget.mode");
        keyBodies.forEach((body, param) -> admin().body(body).post("/admin/teams/" + team + "/keys").then()
                .statusCode(400).body("error.param", equalTo(param)));
        String id = issue(team, "{}").getString("id");
        for (String body : List.of("{\"grace_period\":\"forever\"}", "{\"grace_period\":\"31d\"}", "{\"grace_period\":3600}", "{\"grace\":\"1h\"}")) {
            admin().body(body).post("/admin/teams/" + team + "/keys/" + id + "/rotate").then().statusCode(400);
        }
        isError(admin().body("{\"name\":\"" + "x".repeat(70_000) + "\"}").post("/admin/teams").then(), 413, "request_too_large", null);
    }

    /**
     * A value of the wrong JSON type is a 400 {@code invalid_type} naming the field, on every admin
     * body: it used to be read as text or as a number ({@code {"name": 5}} created a team "5",
     * {@code {"limits": {"rpm": "10"}}} set a limit).
     */
    @Test
    void mistypedFieldsAre400InvalidTypeAndChangeNothing() {
        String team = unique("typed");
        createTeam("{\"name\":\"" + team + "\",\"limits\":{\"rpm\":7}}").statusCode(201);
        String digits = Long.toString(System.nanoTime() % 1_000_000_000L);
        Map<String, String> created = Map.of(
                "{\"name\":" + digits + "}", "name",
                "{\"name\":true}", "name",
                "{\"name\":\"n-" + team + "\",\"limits\":{\"rpm\":\"10\"}}", "limits.rpm",
                "{\"name\":\"n-" + team + "\",\"models\":[5]}", "models[0]",
                "{\"name\":\"n-" + team + "\",\"reference_model\":5}", "reference_model",
                "{\"name\":\"n-" + team + "\",\"budget\":{\"usd\":5,\"mode\":1}}", "budget.mode");
        created.forEach((body, param) -> isError(createTeam(body), 400, "invalid_type", param));
        isError(createTeam("{\"name\":\"n-" + team + "\",\"budget\":{\"usd\":5,\"period\":7}}"), 400, "invalid_value", "budget.period");
        admin().get("/admin/teams/" + digits).then().statusCode(404);
        admin().get("/admin/teams/n-" + team).then().statusCode(404);

        isError(admin().body("{\"limits\":{\"tpm\":\"10\"}}").patch("/admin/teams/" + team).then(), 400, "invalid_type", "limits.tpm");
        isError(admin().body("{\"limits\":{\"concurrent\":\"2\"}}").put("/admin/teams/" + team).then(), 400, "invalid_type", "limits.concurrent");
        admin().get("/admin/teams/" + team).then().statusCode(200).body("limits.rpm", equalTo(7)).body("limits.tpm", equalTo(0));

        isError(admin().body("{\"limits\":{\"rpm\":\"10\"}}").post("/admin/teams/" + team + "/keys").then(), 400, "invalid_type", "limits.rpm");
        isError(admin().body("{\"expires_in\":86400}").post("/admin/teams/" + team + "/keys").then(), 400, "invalid_type", "expires_in");
        String id = issue(team, "{}").getString("id");
        isError(admin().body("{\"grace_period\":3600}").post("/admin/teams/" + team + "/keys/" + id + "/rotate").then(),
                400, "invalid_type", "grace_period");
        createTeam("{\"name\":\"u-" + team + "\",\"budget\":{\"usd\":\"12.5\"}}").statusCode(201)
                .body("budget[0].usd", equalTo(12.5f)); // an amount may still be a decimal string, read exactly
    }

    @Test
    void anIssuedKeyIsShownOnceWorksOnV1AndIsListedWithoutItsSecret() throws Exception {
        String team = unique("keys");
        createTeam("{\"name\":\"" + team + "\",\"models\":[\"sim-chat\"]}").statusCode(201);
        JsonPath issued = issue(team, "{\"name\":\"ci\",\"expires_in\":\"30d\",\"limits\":{\"rpm\":60},\"budget\":{\"usd\":1}}");
        String key = issued.getString("key");
        String id = issued.getString("id");
        assertTrue(key.matches("frg-[A-Za-z0-9]{40}"), key);
        assertEquals(key.substring(0, 8), issued.getString("prefix"));
        assertEquals("active", issued.getString("status"));
        assertEquals(60, issued.getInt("limits.rpm"));
        assertTrue(issued.getString("expires_at") != null);

        models(key).statusCode(200).body("data.id", equalTo(List.of("sim-chat")));
        chat(key).statusCode(200).body("choices[0].message.content", notNullValue());
        isError(given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body(CHAT.replace("sim-chat", "gpt-test")).post("/v1/chat/completions").then(), 404, "model_not_found", "model");

        String listed = admin().get("/admin/teams/" + team + "/keys").then().statusCode(200)
                .body("data.id", equalTo(List.of(id))).body("data[0]", not(hasKey("key")))
                .body("data[0].name", equalTo("ci")).body("data[0].status", equalTo("active"))
                .extract().asString();
        assertFalse(listed.contains(key.substring(8)), "the key is never listed");
        assertFalse(listed.contains(KeyHash.sha256Hex(key)), "nor its hash");
        assertStoredOnlyHashed(key);
    }

    @Test
    void aRevokedKeyIs401AtOnce() {
        String team = unique("revoke");
        createTeam("{\"name\":\"" + team + "\"}").statusCode(201);
        JsonPath issued = issue(team, "");
        String key = issued.getString("key");
        models(key).statusCode(200);
        admin().delete("/admin/teams/" + team + "/keys/" + issued.getString("id")).then().statusCode(200)
                .body("status", equalTo("revoked")).body("revoked_at", notNullValue()).body("$", not(hasKey("key")));
        isError(models(key), 401, "invalid_api_key", null);
        models(key).body("error.message", containsString("revoked"));
        admin().delete("/admin/teams/" + team + "/keys/" + issued.getString("id")).then().statusCode(200); // again: no change
        isError(admin().body("{}").post("/admin/teams/" + team + "/keys/" + issued.getString("id") + "/rotate").then(),
                409, "key_revoked", null);
    }

    @Test
    void aRotatedKeyKeepsWorkingForItsGracePeriod() {
        String team = unique("rotate");
        createTeam("{\"name\":\"" + team + "\",\"models\":[\"sim-chat\"]}").statusCode(201);
        JsonPath first = issue(team, "{\"name\":\"svc\"}");
        JsonPath second = admin().body("{\"grace_period\":\"1h\"}")
                .post("/admin/teams/" + team + "/keys/" + first.getString("id") + "/rotate").then().statusCode(201)
                .body("name", equalTo("svc")).extract().jsonPath();
        chat(first.getString("key")).statusCode(200);
        chat(second.getString("key")).statusCode(200);
        admin().get("/admin/teams/" + team + "/keys").then()
                .body("data.find { it.id == '" + first.getString("id") + "' }.expires_at", notNullValue())
                .body("data.find { it.id == '" + first.getString("id") + "' }.status", equalTo("active"));

        JsonPath third = admin().body("{\"grace_period\":\"0s\"}").post("/admin/teams/" + team + "/keys/" + second.getString("id") + "/rotate")
                .then().statusCode(201).extract().jsonPath();
        isError(chat(second.getString("key")), 401, "invalid_api_key", null);
        chat(second.getString("key")).body("error.message", containsString("expired"));
        chat(third.getString("key")).statusCode(200);
        chat(first.getString("key")).statusCode(200); // still in its own grace period
    }

    @Test
    void aKeyIdOfOneTeamIsNotReachableUnderAnother() {
        String a = unique("a");
        String b = unique("b");
        createTeam("{\"name\":\"" + a + "\"}").statusCode(201);
        createTeam("{\"name\":\"" + b + "\"}").statusCode(201);
        JsonPath k = issue(a, "{}");
        String id = k.getString("id");
        isError(admin().delete("/admin/teams/" + b + "/keys/" + id).then(), 404, "key_not_found", null);
        isError(admin().body("{}").post("/admin/teams/" + b + "/keys/" + id + "/rotate").then(), 404, "key_not_found", null);
        admin().get("/admin/teams/" + b + "/keys").then().statusCode(200).body("data", equalTo(List.of()));
        models(k.getString("key")).statusCode(200);
        isError(admin().get("/admin/teams/nobody-" + a + "/keys").then(), 404, "team_not_found", null);
    }

    @Test
    void sqlInPathsAndBodiesIsHarmless() {
        String team = unique("sql");
        createTeam("{\"name\":\"" + team + "\"}").statusCode(201);
        isError(admin().get("/admin/teams/x'%20OR%20'1'='1").then(), 404, "team_not_found", null);
        isError(admin().get("/admin/teams/" + team + "%27%3B%20DROP%20TABLE%20teams%3B--/keys").then(), 404, "team_not_found", null);
        isError(admin().delete("/admin/teams/" + team + "/keys/key_'%20OR%201=1--").then(), 404, "key_not_found", null);
        isError(admin().delete("/admin/teams/" + team + "/keys/key_AAAAAAAAAAAAAAAAAAAAAA'--").then(), 404, "key_not_found", null);
        String evil = "'); DELETE FROM api_keys; DROP TABLE teams; --";
        JsonPath k = issue(team, "{\"name\":\"" + evil.replace("\"", "\\\"") + "\"}");
        assertEquals(evil, k.getString("name"));
        admin().get("/admin/teams/" + team + "/keys").then().statusCode(200).body("data[0].name", equalTo(evil));
        admin().get("/admin/teams").then().statusCode(200).body("data.name", hasItem("alpha"));
        models(k.getString("key")).statusCode(200);
    }

    @Test
    void teamNamesWithASlashArePercentEncodedInPaths() {
        String name = "org/" + unique("team");
        createTeam("{\"name\":\"" + name + "\"}").statusCode(201);
        admin().get("/admin/teams/" + name.replace("/", "%2F")).then().statusCode(200).body("name", equalTo(name));
        issue(name.replace("/", "%2F"), "{}");
    }

    @Test
    void onlyTheAdminKeyOpensTheAdminApi() {
        given().get("/admin/teams").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().header("Authorization", "Bearer frg-test-alpha-key").get("/admin/teams").then().statusCode(401);
        given().header("Authorization", ADMIN).get("/v1/models").then().statusCode(401);
        isError(admin().get("/admin/nothing-here").then(), 404, "unknown_url", null);
    }

    /**
     * Keys never reach the log: everything logged (the gateway and Vert.x at every level, DEBUG included)
     * while keys are issued, rotated, used and refused is checked.
     */
    @Test
    void keysNeverAppearInTheLog() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) {
                logged.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters())
                        + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger root = Logger.getLogger("");
        List<Logger> verbose = List.of(Logger.getLogger("dev.frugal"), Logger.getLogger("io.vertx"), Logger.getLogger("io.quarkus.vertx"),
                Logger.getLogger("io.agroal"), Logger.getLogger("org.h2"));
        List<Level> levels = verbose.stream().map(Logger::getLevel).toList();
        verbose.forEach(l -> l.setLevel(Level.ALL));
        root.addHandler(capture);
        List<String> secrets = new java.util.ArrayList<>();
        try {
            org.jboss.logging.Logger.getLogger("dev.frugal.canary").debug("canary");
            String team = unique("quiet");
            createTeam("{\"name\":\"" + team + "\",\"models\":[\"sim-chat\"]}").statusCode(201);
            JsonPath k = issue(team, "{}");
            secrets.add(k.getString("key"));
            chat(k.getString("key")).statusCode(200);
            JsonPath r = admin().body("{\"grace_period\":\"0s\"}").post("/admin/teams/" + team + "/keys/" + k.getString("id") + "/rotate")
                    .then().statusCode(201).extract().jsonPath();
            secrets.add(r.getString("key"));
            chat(k.getString("key")).statusCode(401);
            chat(r.getString("key") + "x").statusCode(401);
            admin().delete("/admin/teams/" + team + "/keys/" + r.getString("id")).then().statusCode(200);
            chat(r.getString("key")).statusCode(401);
        } finally {
            root.removeHandler(capture);
            for (int i = 0; i < verbose.size(); i++) verbose.get(i).setLevel(levels.get(i));
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains("canary")), "the capture sees DEBUG records");
        for (String line : logged) {
            for (String s : secrets) assertFalse(line.contains(s.substring(4)), "a key in the log: " + line);
        }
    }

    private void assertStoredOnlyHashed(String key) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("teams", "api_keys")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            String v = rs.getString(i);
                            assertFalse(v != null && v.contains(key.substring(8)), table + "." + rs.getMetaData().getColumnName(i) + " holds a key");
                        }
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM api_keys WHERE key_hash = '" + KeyHash.sha256Hex(key) + "'")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "stored as its SHA-256");
            }
        }
    }
}
