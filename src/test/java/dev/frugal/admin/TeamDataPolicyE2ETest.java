package dev.frugal.admin;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code data_policy} on a team made through the admin API: stored, shown, audited, and enforced as for the
 * file's teams — a local-only team is refused a hosted model (403 {@code data_policy}) and routed locally.
 */
@QuarkusTest
class TeamDataPolicyE2ETest {
    static final String ADMIN = "frg-test-admin-key-2c5e8a1f9b7d4306";

    @InjectFakeUpstream FakeUpstream upstream;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
    }

    static Response chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions");
    }

    @Test
    void aLocalOnlyApiTeamIsRefusedAHostedModelUntilItsPolicyChanges() {
        String team = "local-api-" + Long.toHexString(System.nanoTime());
        JsonPath created = admin().body("{\"name\":\"" + team + "\",\"data_policy\":\"local-only\"}").post("/admin/teams")
                .then().statusCode(201).extract().jsonPath();
        assertEquals("local-only", created.getString("data_policy"));
        try {
            assertEquals("local-only", admin().get("/admin/teams/" + team).then().statusCode(200).extract().jsonPath()
                    .getString("data_policy"), "persisted");
            String key = admin().body("{}").post("/admin/teams/" + team + "/keys").then().statusCode(201).extract().jsonPath()
                    .getString("key");
            upstream.clear();
            Response hosted = chat(key, "policy-strong");
            assertEquals(403, hosted.statusCode(), hosted.asString());
            assertEquals("data_policy", hosted.jsonPath().getString("error.code"));
            assertEquals("The model `policy-strong` has no deployment on local hardware, and the data policy of team `" + team
                    + "` is local-only.", hosted.jsonPath().getString("error.message"));
            assertEquals(0, upstream.all().size(), "nothing was sent anywhere");
            Response routed = chat(key, "policy-cheap");
            assertEquals(200, routed.statusCode(), routed.asString());
            assertEquals("policy-local", routed.header("x-frugal-model"), "only the local candidate is left");

            admin().body("{\"data_policy\":\"any\"}").patch("/admin/teams/" + team).then().statusCode(200);
            JsonPath audit = admin().get("/admin/audit?team=" + team).then().statusCode(200).extract().jsonPath();
            assertEquals("team.update", audit.getString("data[0].action"));
            assertEquals("local-only", audit.getString("data[0].before.data_policy"));
            assertEquals("any", audit.getString("data[0].after.data_policy"));
            Response now = chat(key, "policy-strong");
            assertEquals(200, now.statusCode(), now.asString());
        } finally {
            admin().delete("/admin/teams/" + team).then().statusCode(200);
        }
    }

    @Test
    void aDataPolicyThatIsNeitherAnyNorLocalOnlyIsA400NamingTheField() {
        Response r = admin().body("{\"name\":\"bad-policy\",\"data_policy\":\"eu-only\"}").post("/admin/teams");
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals("data_policy", r.jsonPath().getString("error.param"));
        assertEquals("invalid_value", r.jsonPath().getString("error.code"));
    }
}
