package dev.frugal.pipeline;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /admin/routes/{route}/examples} and {@code …/evaluate} (admin.ExamplesAdmin over {@link RouteExamples}):
 * OpenAI-shaped refusals (a table with problems naming row and column, an unknown route, not CSV, too
 * large), an upload's progress to {@code ready}, deletion, and the audit trail of both without prompts.
 * Route {@code learned-admin} (learned-cheap, learned-strong) of frugal-test.yaml; the test profile's upload
 * limit is 1 MiB.
 */
@QuarkusTest
class ExamplesAdminTest {
    static final String ADMIN = "frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String GOOD = "prompt,learned-cheap_correct,learned-strong_correct,learned-strong_cost_usd,notes\n"
            + "\"What is 2 + 2?\",1,1,0.001,easy\n"
            + "\"Prove, with care, that there are infinitely many primes.\",0,1,0.004,\"hard, \"\"proof\"\"\"\n"
            + "\"Name a colour of the sky\",1,1,,\n";

    @Inject RouteExamples examples;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN);
    }

    static Response upload(String route, String csv) {
        return admin().contentType("text/csv").body(csv).post("/admin/routes/" + route + "/examples");
    }

    static void isError(Response r, int status, String code) {
        assertEquals(status, r.statusCode(), r.asString());
        JsonPath j = r.jsonPath();
        assertEquals(code, j.getString("error.code"), r.asString());
        assertTrue(j.getString("error.message").length() > 10);
        assertEquals("invalid_request_error", j.getString("error.type"));
        assertTrue(j.getMap("error").containsKey("param"));
    }

    @BeforeEach
    void clean() throws Exception {
        examples.drain();
        admin().delete("/admin/routes/learned-admin/examples");
    }

    @Test
    void anUploadIsAcceptedThenEmbeddedToReadyAndAudited() throws Exception {
        Response accepted = upload("learned-admin", GOOD);
        assertEquals(202, accepted.statusCode(), accepted.asString());
        assertEquals("/admin/routes/learned-admin/examples", accepted.header("Location"));
        JsonPath a = accepted.jsonPath();
        assertEquals("route.examples", a.getString("object"));
        assertEquals("embedding", a.getString("upload.status"));
        assertEquals(3, a.getInt("upload.rows"));
        assertEquals(List.of("learned-cheap", "learned-strong"), a.getList("upload.candidates"));

        examples.drain();
        JsonPath done = admin().get("/admin/routes/learned-admin/examples").then().statusCode(200).extract().jsonPath();
        assertEquals("ready", done.getString("upload.status"));
        assertEquals(3, done.getInt("upload.embedded"));
        assertEquals(3, done.getInt("rows"));
        assertEquals(3, done.getInt("loaded_rows"));
        assertEquals(List.of("learned-cheap", "learned-strong"), done.getList("candidates"));
        assertNull(done.get("upload.error"));

        JsonPath audit = admin().get("/admin/audit?action=route.examples.upload&limit=1").then().statusCode(200).extract().jsonPath();
        Map<String, Object> record = audit.getMap("data[0]");
        assertEquals("learned-admin", record.get("target"));
        assertEquals(3, audit.getInt("data[0].after.rows"));
        assertTrue(audit.getString("data[0].credential").startsWith("admin-key:"));
        String written = admin().get("/admin/audit?action=route.examples.upload&limit=1").asString();
        assertFalse(written.contains("primes") || written.contains("colour"), "no prompt in the audit trail: " + written);
    }

    @Test
    void deletingClearsTheExamplesAndIsAudited() throws Exception {
        upload("learned-admin", GOOD).then().statusCode(202);
        examples.drain();
        Response deleted = admin().delete("/admin/routes/learned-admin/examples");
        assertEquals(200, deleted.statusCode(), deleted.asString());
        assertEquals(3, deleted.jsonPath().getInt("rows"));
        JsonPath after = admin().get("/admin/routes/learned-admin/examples").then().statusCode(200).extract().jsonPath();
        assertEquals(0, after.getInt("rows"));
        assertEquals(0, after.getInt("loaded_rows"));
        assertNull(after.get("upload"));
        JsonPath audit = admin().get("/admin/audit?action=route.examples.delete&limit=1").then().statusCode(200).extract().jsonPath();
        assertEquals("learned-admin", audit.getString("data[0].target"));
        assertEquals(3, audit.getInt("data[0].before.rows"));

        isError(admin().delete("/admin/routes/learned-admin/examples"), 404, "examples_not_found");
    }

    @Test
    void aTableWithProblemsIsRefusedWholeNamingRowsAndColumns() {
        Response r = upload("learned-admin", "prompt,learned-cheap_correct,learned-strong_correct\n\"ok\",1,1\n\"bad\",yes,1\n\"\",1,2\n");
        isError(r, 400, "invalid_examples");
        String message = r.jsonPath().getString("error.message");
        assertTrue(message.startsWith("The outcome table has 3 problems: "), message);
        assertTrue(message.contains("row 2 (line 3), column 'learned-cheap_correct': 'yes' is not 0, 1 or a score from 0 to 1"), message);
        assertTrue(message.contains("row 3 (line 4), column 'prompt': the prompt is blank"), message);
        assertTrue(message.contains("row 3 (line 4), column 'learned-strong_correct': '2' is not 0, 1 or a score from 0 to 1"), message);
        isError(upload("learned-admin", "prompt,gpt-4o_correct\nhi,1\n"), 400, "invalid_examples");
        assertEquals(0, admin().get("/admin/routes/learned-admin/examples").jsonPath().getInt("rows"), "nothing stored");
    }

    @Test
    void unknownRoutesNotCsvAndTooLargeBodiesAreRefusedInOpenAisShape() {
        isError(upload("no-such-route", GOOD), 404, "route_not_found");
        isError(admin().get("/admin/routes/no-such-route/examples"), 404, "route_not_found");
        isError(admin().contentType("text/csv").body(GOOD).post("/admin/routes/no-such-route/evaluate"), 404, "route_not_found");
        isError(admin().contentType("application/json").body("{}").post("/admin/routes/learned-admin/examples"), 415,
                "unsupported_media_type");
        String big = "prompt,learned-cheap_correct,learned-strong_correct\n" + ("\"" + "x".repeat(1000) + "\",1,1\n").repeat(1100);
        Response tooLarge = upload("learned-admin", big);
        assertEquals(413, tooLarge.statusCode());
        assertEquals("request_too_large", tooLarge.jsonPath().getString("error.code"));
        Response badPoints = admin().contentType("text/csv").body(GOOD).post("/admin/routes/learned-admin/evaluate?operating_points=0.5,2");
        isError(badPoints, 400, "invalid_value");
        assertEquals("operating_points", badPoints.jsonPath().getString("error.param"));
        given().contentType("text/csv").body(GOOD).post("/admin/routes/learned-admin/examples").then().statusCode(401);
    }

    @Test
    void anEvaluationNeedsExamplesInForce() {
        isError(admin().contentType("text/csv").body(GOOD).post("/admin/routes/learned-admin/evaluate"), 409, "examples_required");
    }
}
