package dev.frugal.admin;

import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.frugal.admin.AdminAuditTest.CREDENTIAL;
import static dev.frugal.admin.AdminAuditTest.trail;
import static dev.frugal.admin.TeamsAdminTest.admin;
import static dev.frugal.admin.TeamsAdminTest.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /admin/routes} over HTTP with the admin key: the file's checks as OpenAI-shaped 400s naming the
 * field, versions, the audit trail, a route of the API overriding the file's and its DELETE reverting to it.
 * Routes made here are deleted after each test: every Quarkus test of this JVM shares the snapshot.
 * Candidates: the {@code policy-*} models of frugal-test.yaml.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RoutesAdminTest {
    static final String FILE_ROUTE = "admin-file-route";

    private final List<String> made = new ArrayList<>();

    @AfterEach
    void deleteMadeRoutes() {
        for (String name : made) admin().delete("/admin/routes/" + name);
    }

    Response put(String name, String body) {
        made.add(name);
        return admin().body(body).put("/admin/routes/" + name);
    }

    static JsonPath ok(Response r, int status) {
        assertEquals(status, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    /** The route's audit records of that action, newest first. */
    static List<Map<String, Object>> audited(String action, String name) {
        List<Map<String, Object>> all = trail("action=" + action + "&limit=1000").getList("data");
        return all.stream().filter(e -> name.equals(e.get("target"))).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"candidates\":[\"policy-mid\",\"policy-strnog\"]}|candidates[1]|invalid_value|unknown model 'policy-strnog' (did you mean 'policy-strong'?)",
            "{\"objective\":\"cheapest\"}|candidates|invalid_value|candidates: is required",
            "{\"candidates\":[\"policy-mid\"],\"objective\":\"best\",\"min-quality\":0.7}|min-quality|invalid_value|only for objective 'cheapest'",
            "{\"candidates\":[\"policy-mid\"],\"objective\":\"cheapest\",\"min-quality\":\"0.7\"}|min-quality|invalid_type|must be a number",
            "{\"candidates\":[\"policy-mid\"],\"objective\":\"cheapest\",\"min-quality\":1.5}|min-quality|invalid_value|must be between 0 and 1",
            "{\"candidates\":\"policy-mid\"}|candidates|invalid_type|must be a list",
            "{\"candidates\":[\"policy-mid\"],\"colour\":\"red\"}|colour|invalid_value|colour: unknown field",
            "{\"candidates\":[\"policy-mid\"],\"name\":\"another\"}|name|invalid_value|cannot be renamed",
            "{\"candidates\":[\"policy-mid\"],\"version\":\"one\"}|version|invalid_type|version",
            "[\"policy-mid\"]||invalid_value|must be a JSON object",
            "{\"candidates\":[|||not valid JSON",
    })
    void aBadRouteIsA400NamingTheFieldAndNothingIsWritten(String body, String param, String code, String message) {
        String name = unique("bad-route");
        Response r = put(name, body);
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals("invalid_request_error", r.jsonPath().getString("error.type"));
        assertEquals(param, r.jsonPath().getString("error.param"));
        if (code != null) assertEquals(code, r.jsonPath().getString("error.code"));
        assertTrue(r.jsonPath().getString("error.message").contains(message), r.asString());
        admin().get("/admin/routes/" + name).then().statusCode(404);
        admin().get("/admin/routes/" + name + "/versions").then().statusCode(404);
    }

    @Test
    void aRouteNamedLikeAModelIsRefused() {
        JsonPath e = admin().body("{\"candidates\":[\"policy-mid\"]}").put("/admin/routes/policy-strong").then().statusCode(400)
                .extract().jsonPath();
        assertEquals("name", e.getString("error.param"));
        assertTrue(e.getString("error.message").contains("'policy-strong' is already a model name"), e.prettify());
    }

    @Test
    void eachPutIsANewVersionAuditedWithTheStateBeforeAndAfter() {
        String name = unique("versioned");
        JsonPath created = ok(put(name, "{\"candidates\":[\"policy-strong\",\"policy-mid\"],\"objective\":\"cheapest\",\"min-quality\":0.7}"), 201);
        assertEquals("route", created.getString("object"));
        assertEquals(name, created.getString("name"));
        assertEquals("api", created.getString("source"));
        assertEquals(1, created.getInt("version"));
        assertTrue(created.getBoolean("active"));
        assertFalse(created.getBoolean("overrides_file"));
        assertEquals(List.of("policy-strong", "policy-mid"), created.getList("candidates"));
        assertEquals(0.7f, created.getFloat("min-quality"));
        assertEquals("any", created.getString("data-policy"));
        assertEquals(CREDENTIAL, created.getString("updated_by"));
        long createdAt = created.getLong("created");

        JsonPath updated = ok(put(name, "{\"candidates\":[\"policy-strong\",\"policy-mid\"],\"objective\":\"cheapest\",\"min-quality\":0.9,"
                + "\"version\":1}"), 200);
        assertEquals(2, updated.getInt("version"));
        assertEquals(0.9f, updated.getFloat("min-quality"));
        assertEquals(createdAt, updated.getLong("created"), "created is kept across versions");

        JsonPath stale = admin().body("{\"candidates\":[\"policy-mid\"],\"version\":1}").put("/admin/routes/" + name).then()
                .statusCode(409).extract().jsonPath();
        assertEquals("version_conflict", stale.getString("error.code"));
        assertEquals(2, admin().get("/admin/routes/" + name).then().statusCode(200).extract().jsonPath().getInt("version"));

        // GET, edit, PUT: the fields GET adds are taken back
        Map<String, Object> shown = admin().get("/admin/routes/" + name).then().extract().jsonPath().getMap("");
        shown.put("min-quality", 0.8);
        assertEquals(3, ok(admin().body(shown).put("/admin/routes/" + name), 200).getInt("version"));

        JsonPath versions = admin().get("/admin/routes/" + name + "/versions").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(1, 2, 3), versions.getList("data.version"));
        assertEquals(0.7f, versions.getFloat("data[0].route.min-quality"));
        assertEquals(CREDENTIAL, versions.getString("data[2].by"));

        List<Map<String, Object>> creates = audited("route.create", name);
        assertEquals(1, creates.size());
        assertEquals(CREDENTIAL, creates.get(0).get("credential"));
        assertNull(creates.get(0).get("before"));
        List<Map<String, Object>> updates = audited("route.update", name);
        assertEquals(2, updates.size(), "the refused PUT left no record");
        Map<?, ?> before = (Map<?, ?>) updates.get(1).get("before"), after = (Map<?, ?>) updates.get(1).get("after");
        assertEquals(1, before.get("version"));
        assertEquals(0.7f, ((Number) before.get("min-quality")).floatValue());
        assertEquals(2, after.get("version"));
        assertEquals(0.9f, ((Number) after.get("min-quality")).floatValue());
        assertEquals("api", after.get("source"));

        JsonPath deleted = ok(admin().delete("/admin/routes/" + name), 200);
        assertTrue(deleted.getBoolean("deleted"));
        assertNull(deleted.get("reverted_to"));
        Map<?, ?> last = (Map<?, ?>) audited("route.delete", name).get(0).get("before");
        assertEquals(3, last.get("version"));
        assertNull(audited("route.delete", name).get(0).get("after"));
        admin().get("/admin/routes/" + name).then().statusCode(404);
        admin().delete("/admin/routes/" + name).then().statusCode(404);
        assertEquals(List.of(1, 2, 3, 4), admin().get("/admin/routes/" + name + "/versions").then().statusCode(200)
                .extract().jsonPath().getList("data.version"), "the history stays, the deletion in it");
    }

    @Test
    void anApiRouteOverridesTheFilesAndItsDeleteRevertsToIt() {
        JsonPath file = admin().get("/admin/routes/" + FILE_ROUTE).then().statusCode(200).extract().jsonPath();
        assertEquals("file", file.getString("source"));
        assertNull(file.get("version"));
        assertEquals("ordered", file.getString("objective"));
        JsonPath refused = admin().delete("/admin/routes/" + FILE_ROUTE).then().statusCode(409).extract().jsonPath();
        assertEquals("route_managed_by_config", refused.getString("error.code"));

        JsonPath over = ok(put(FILE_ROUTE, "{\"candidates\":[\"policy-local\",\"policy-mid\"],\"objective\":\"cheapest\"}"), 201);
        assertTrue(over.getBoolean("overrides_file"));
        assertEquals(file.getLong("created"), over.getLong("created"), "an override keeps the file route's created");
        List<Map<String, Object>> listed = admin().get("/admin/routes").then().statusCode(200).extract().jsonPath().getList("data");
        List<Map<String, Object>> mine = listed.stream().filter(r -> FILE_ROUTE.equals(r.get("name"))).toList();
        assertEquals(1, mine.size(), "listed once, as the API's");
        assertEquals("api", mine.get(0).get("source"));
        assertTrue(listed.stream().anyMatch(r -> "policy-cheap".equals(r.get("name")) && "file".equals(r.get("source"))));
        Map<?, ?> before = (Map<?, ?>) audited("route.create", FILE_ROUTE).get(0).get("before");
        assertEquals("file", before.get("source"), "the audit shows the file's route it overrode");

        JsonPath deleted = ok(admin().delete("/admin/routes/" + FILE_ROUTE), 200);
        assertEquals("file", deleted.getString("reverted_to.source"));
        assertEquals("ordered", deleted.getString("reverted_to.objective"));
        assertEquals("file", admin().get("/admin/routes/" + FILE_ROUTE).then().statusCode(200).extract().jsonPath().getString("source"));
    }

    @Test
    void unknownRoutesAre404AndTheAdminKeyIsRequired() {
        admin().get("/admin/routes/no-such-route").then().statusCode(404);
        admin().get("/admin/routes/no-such-route/versions").then().statusCode(404);
        JsonPath e = admin().delete("/admin/routes/no-such-route").then().statusCode(404).extract().jsonPath();
        assertEquals("route_not_found", e.getString("error.code"));
        given().get("/admin/routes").then().statusCode(401);
        given().contentType("application/json").body("{\"candidates\":[\"policy-mid\"]}").put("/admin/routes/x").then().statusCode(401);
    }
}
