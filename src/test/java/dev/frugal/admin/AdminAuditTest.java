package dev.frugal.admin;

import dev.frugal.config.Database;
import dev.frugal.core.KeyHash;
import dev.frugal.core.TimeSource;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.frugal.admin.TeamsAdminTest.admin;
import static dev.frugal.admin.TeamsAdminTest.createTeam;
import static dev.frugal.admin.TeamsAdminTest.isError;
import static dev.frugal.admin.TeamsAdminTest.issue;
import static dev.frugal.admin.TeamsAdminTest.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail end to end: every admin change leaves exactly one record with its state before and
 * after, none holds a secret, failed changes leave none, and {@code GET /admin/audit} filters them.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AdminAuditTest {
    static final String ADMIN_KEY = TeamsAdminTest.ADMIN.substring("Bearer ".length());
    static final String CREDENTIAL = "admin-key:" + KeyHash.sha256Hex(ADMIN_KEY).substring(0, 8);

    @Inject Database database;
    @Inject TimeSource time;
    @Inject AuditTrail audit;

    static JsonPath trail(String query) {
        return admin().get("/admin/audit?" + query).then().statusCode(200).extract().jsonPath();
    }

    /** The team's records, newest first; asserts that exactly {@code expected} exist. */
    static JsonPath records(String team, int expected) {
        JsonPath p = trail("team=" + team.replace("/", "%2F"));
        assertEquals(expected, p.getList("data").size(), p.prettify());
        return p;
    }

    @Test
    void everyChangeLeavesExactlyOneRecordWithItsStateBeforeAndAfterAndNoSecret() throws Exception {
        String team = unique("audited");
        createTeam("{\"name\":\"" + team + "\",\"models\":[\"sim-chat\"],\"limits\":{\"rpm\":60}}").statusCode(201);
        JsonPath r = records(team, 1);
        assertEquals("audit_event", r.getString("data[0].object"));
        assertEquals("team.create", r.getString("data[0].action"));
        assertEquals(team, r.getString("data[0].team"));
        assertEquals(team, r.getString("data[0].target"));
        assertEquals(CREDENTIAL, r.getString("data[0].credential"));
        assertEquals("127.0.0.1", r.getString("data[0].client_address"));
        assertNull(r.get("data[0].before"));
        assertEquals(60, r.getInt("data[0].after.limits.rpm"));
        assertEquals(List.of("sim-chat"), r.getList("data[0].after.models"));
        Instant at = Instant.parse(r.getString("data[0].at"));
        assertTrue(Math.abs(Duration.between(at, time.instant()).toSeconds()) < 60, "recorded at the gateway's time: " + at);

        admin().body("{\"limits\":{\"rpm\":120}}").patch("/admin/teams/" + team).then().statusCode(200);
        r = records(team, 2);
        assertEquals("team.update", r.getString("data[0].action"));
        assertEquals(60, r.getInt("data[0].before.limits.rpm"));
        assertEquals(120, r.getInt("data[0].after.limits.rpm"));

        admin().body("{\"models\":[\"sim-chat\",\"gpt-test\"]}").put("/admin/teams/" + team).then().statusCode(200);
        r = records(team, 3);
        assertEquals("team.update", r.getString("data[0].action"));
        assertEquals(List.of("sim-chat"), r.getList("data[0].before.models"));
        assertEquals(List.of("gpt-test", "sim-chat"), r.getList("data[0].after.models"));
        assertEquals(0, r.getInt("data[0].after.limits.rpm"));

        JsonPath issued = issue(team, "{\"name\":\"ci\",\"limits\":{\"rpm\":5}}");
        String first = issued.getString("id");
        List<String> secrets = new ArrayList<>(List.of(issued.getString("key")));
        r = records(team, 4);
        assertEquals("key.issue", r.getString("data[0].action"));
        assertEquals(first, r.getString("data[0].target"));
        assertNull(r.get("data[0].before"));
        assertEquals(Map.of("id", first, "name", "ci", "status", "active"), Map.of("id", r.getString("data[0].after.id"),
                "name", r.getString("data[0].after.name"), "status", r.getString("data[0].after.status")));
        assertEquals(5, r.getInt("data[0].after.limits.rpm"));
        assertFalse(r.getMap("data[0].after").containsKey("key"));
        assertFalse(r.getMap("data[0].after").containsKey("prefix"), "not even the display prefix");

        JsonPath rotated = admin().body("{\"grace_period\":\"1h\"}").post("/admin/teams/" + team + "/keys/" + first + "/rotate")
                .then().statusCode(201).extract().jsonPath();
        String second = rotated.getString("id");
        secrets.add(rotated.getString("key"));
        r = records(team, 5);
        assertEquals("key.rotate", r.getString("data[0].action"));
        assertEquals(first, r.getString("data[0].target"));
        assertNull(r.get("data[0].before.expires_at"));
        assertTrue(r.getString("data[0].after.expires_at") != null, "the old key's grace end");
        assertEquals(second, r.getString("data[0].after.replaced_by.id"));

        admin().delete("/admin/teams/" + team + "/keys/" + second).then().statusCode(200);
        r = records(team, 6);
        assertEquals("key.revoke", r.getString("data[0].action"));
        assertEquals(second, r.getString("data[0].target"));
        assertEquals("active", r.getString("data[0].before.status"));
        assertEquals("revoked", r.getString("data[0].after.status"));

        // changes that fail leave nothing
        isError(createTeam("{\"name\":\"" + team + "\"}"), 409, "team_already_exists", "name");
        isError(admin().body("{\"limits\":{\"rpm\":-1}}").patch("/admin/teams/" + team).then(), 400, "invalid_value", "limits.rpm");
        isError(admin().delete("/admin/teams/" + team + "/keys/key_AAAAAAAAAAAAAAAAAAAAAAAA").then(), 404, "key_not_found", null);
        isError(admin().body("{}").post("/admin/teams/" + team + "/keys/" + second + "/rotate").then(), 409, "key_revoked", null);
        records(team, 6);

        admin().delete("/admin/teams/" + team).then().statusCode(200);
        r = records(team, 7);
        assertEquals("team.delete", r.getString("data[0].action"));
        assertEquals(List.of(first, second), r.getList("data[0].before.keys"));
        assertEquals(List.of("gpt-test", "sim-chat"), r.getList("data[0].before.models"));
        assertNull(r.get("data[0].after"));
        assertEquals(List.of("team.delete", "key.revoke", "key.rotate", "key.issue", "team.update", "team.update", "team.create"),
                r.getList("data.action"), "newest first");

        List<String> stored = storedRows(team);
        assertEquals(7, stored.size());
        List<String> forbidden = new ArrayList<>(List.of(ADMIN_KEY, KeyHash.sha256Hex(ADMIN_KEY)));
        for (String s : secrets) {
            forbidden.add(s);
            forbidden.add(s.substring(4)); // the random part
            forbidden.add(KeyHash.sha256Hex(s));
        }
        for (String row : stored) for (String secret : forbidden) assertFalse(row.contains(secret), "a secret in the audit trail: " + row);
    }

    @Test
    void theTrailIsFilteredByTimeTeamActionAndLimit() {
        String a = unique("filter-a");
        String b = unique("filter-b");
        Instant before = time.instant().minusSeconds(1);
        createTeam("{\"name\":\"" + a + "\"}").statusCode(201);
        createTeam("{\"name\":\"" + b + "\"}").statusCode(201);
        issue(a, "{}");
        issue(a, "{}");
        issue(b, "{}");
        Instant after = time.instant().plusSeconds(1);

        assertEquals(List.of("key.issue", "key.issue", "team.create"), trail("team=" + a).getList("data.action"));
        assertEquals(2, trail("team=" + a + "&action=key.issue").getList("data").size());
        JsonPath one = trail("team=" + a + "&action=key.issue&limit=1");
        assertEquals(1, one.getList("data").size());
        assertTrue(one.getBoolean("has_more"));
        assertFalse(trail("team=" + a + "&action=key.issue&limit=2").getBoolean("has_more"));
        assertEquals(List.of(b, a), trail("action=team.create&from=" + before + "&to=" + after + "&limit=1000").getList("data.team").stream()
                .filter(t -> t.equals(a) || t.equals(b)).toList());
        assertEquals(List.of(), trail("team=" + a + "&from=" + after).getList("data"));
        assertEquals(List.of(), trail("team=" + a + "&to=" + before).getList("data"));
        LocalDate today = LocalDate.ofInstant(time.instant(), ZoneOffset.UTC);
        assertEquals(3, trail("team=" + a + "&from=" + today + "&to=" + today).getList("data").size(), "a date as 'to' includes that day");
        assertEquals(List.of(), trail("team=nobody-" + a).getList("data"));
    }

    @Test
    void badParametersAreOpenAiShaped400s() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("from=yesterday", "from"),
                Map.entry("to=2026-13-01", "to"),
                Map.entry("from=2026-03-02&to=2026-03-01T00:00:00Z", "to"),
                Map.entry("from=0001-01-01", "from"),
                Map.entry("limit=0", "limit"),
                Map.entry("limit=1001", "limit"),
                Map.entry("limit=ten", "limit"),
                Map.entry("limit=1&limit=2", "limit"),
                Map.entry("team=x'%20OR%20'1'='1", "team"),
                Map.entry("action=Team.Create", "action"),
                Map.entry("action=team.create%3BDROP", "action"),
                Map.entry("teams=alpha", "teams"));
        bad.forEach((query, param) -> isError(admin().get("/admin/audit?" + query).then(), 400, "invalid_value", param));
        admin().get("/admin/audit").then().statusCode(200);
        io.restassured.RestAssured.given().get("/admin/audit").then().statusCode(401);
    }

    /** Another admin endpoint (a cache purge, a console action) records through the interface; secrets it passes by mistake are dropped. */
    @Test
    void fieldsNamedLikeSecretsAreDroppedWhateverACallerPasses() throws Exception {
        String team = unique("backstop");
        audit.record(new AuditTrail.Actor(CREDENTIAL, "10.9.8.7"), "cache.purge", team, null,
                dev.frugal.wire.Json.parse("{\"entries\":3,\"key\":\"frg-leak\",\"nested\":[{\"Authorization\":\"Bearer x\",\"api-key\":\"sk-1\"}]}"),
                dev.frugal.wire.Json.parse("{\"entries\":0,\"key_hash\":\"abc\",\"provider\":{\"api_key\":\"sk-2\",\"password\":\"p\",\"secret\":\"s\"}}"));
        JsonPath r = records(team, 1);
        assertEquals("cache.purge", r.getString("data[0].action"));
        assertEquals("10.9.8.7", r.getString("data[0].client_address"));
        assertNull(r.get("data[0].target"));
        assertEquals(Map.of("entries", 3, "nested", List.of(Map.of())), r.getMap("data[0].before"));
        assertEquals(Map.of("entries", 0, "provider", Map.of()), r.getMap("data[0].after"));
    }

    /** Every column of the team's stored audit rows, as text. */
    private List<String> storedRows(String team) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM admin_audit WHERE team = ?")) {
            ps.setString(1, team);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= n; i++) row.append(rs.getString(i)).append(' ');
                    rows.add(row.toString());
                }
            }
        }
        return rows;
    }
}
