package dev.frugal.pipeline;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.frugal.pipeline.RoutingPolicyE2ETest.ADMIN;
import static dev.frugal.pipeline.RoutingPolicyE2ETest.E2E;
import static dev.frugal.pipeline.RoutingPolicyE2ETest.answeredBy;
import static dev.frugal.pipeline.RoutingPolicyE2ETest.as;
import static dev.frugal.pipeline.RoutingPolicyE2ETest.chat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route made through the admin API used by live traffic: called like a model through
 * {@code /v1/chat/completions} (the backend chosen, the {@code x-frugal-*} headers, the ledger row), listed
 * by {@code /v1/models}, explained, chosen by a rule of the file, followed at once after each PUT, and gone
 * after its DELETE. Candidates: policy-local ($0.1/$0.1 per Mtok, quality 0.5), policy-mid ($1/$2, 0.75),
 * policy-strong ($10/$30, 0.92) of frugal-test.yaml. Routes made here are deleted after each test.
 */
@QuarkusTest
class ApiRoutesE2ETest {
    static final String API_ONLY = "admin-api-only"; // the route of the file's rule api-only-header

    @Inject LedgerRows ledgerRows;
    @InjectFakeUpstream FakeUpstream upstream;
    private final List<String> made = new ArrayList<>();

    @BeforeEach
    void clear() { upstream.clear(); }

    @AfterEach
    void deleteMadeRoutes() {
        for (String name : made) admin().delete("/admin/routes/" + name);
    }

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
    }

    void put(String name, String body, int status) {
        made.add(name);
        Response r = admin().body(body).put("/admin/routes/" + name);
        assertEquals(status, r.statusCode(), r.asString());
    }

    static String cheapest(double minQuality) {
        return "{\"candidates\":[\"policy-strong\",\"policy-mid\",\"policy-local\"],\"objective\":\"cheapest\",\"min-quality\":" + minQuality + "}";
    }

    @Test
    void aRouteMadeByPutServesTrafficFollowsEachChangeAndIsGoneOnceDeleted() throws Exception {
        String name = "api-auto-" + UUID.randomUUID().toString().substring(0, 8);
        Response before = chat(E2E, name);
        assertEquals(404, before.statusCode(), before.asString());
        assertEquals("model_not_found", before.jsonPath().getString("error.code"));

        put(name, cheapest(0.7), 201);
        Response r = chat(E2E, name);
        assertEquals("echo-policy-mid", answeredBy(r), "strong and mid reach 0.7; mid is cheaper");
        assertEquals(name, r.header("x-frugal-route"));
        assertEquals("policy-mid", r.header("x-frugal-model"));
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(name, row.get("route"));
        assertEquals("policy-mid", row.get("served_model"));
        assertTrue(((String) row.get("route_decision")).startsWith("cheapest min-quality=0.7: policy-mid"), (String) row.get("route_decision"));

        List<Map<String, Object>> models = as(E2E).get("/v1/models").jsonPath().getList("data");
        assertTrue(models.stream().anyMatch(m -> name.equals(m.get("id")) && "frugal-route".equals(m.get("owned_by"))), models.toString());
        JsonPath explained = admin().body("{\"team\":\"e2e\",\"request\":{\"model\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}")
                .post("/admin/routing/explain").then().statusCode(200).extract().jsonPath();
        assertEquals(name, explained.getString("route"));
        assertEquals("policy-mid", explained.getString("choice.model"));

        put(name, cheapest(0.9), 200);
        Response stricter = chat(E2E, name);
        assertEquals("echo-policy-strong", answeredBy(stricter), "only strong reaches 0.9");
        assertEquals("policy-strong", stricter.header("x-frugal-model"));

        put(name, cheapest(0.4), 200);
        assertEquals("echo-policy-local", answeredBy(chat(E2E, name)), "local (0.5) is good enough now, and the cheapest");

        put(name, "{\"candidates\":[\"policy-strong\",\"policy-mid\",\"policy-local\"],\"objective\":\"best\",\"max-cost-usd\":0.001}", 200);
        assertEquals("echo-policy-mid", answeredBy(chat(E2E, name, ",\"max_tokens\":100")), "the best predicted within $0.001: strong costs more");

        admin().delete("/admin/routes/" + name).then().statusCode(200);
        Response gone = chat(E2E, name);
        assertEquals(404, gone.statusCode(), gone.asString());
        assertEquals("model_not_found", gone.jsonPath().getString("error.code"));
        assertFalse(as(E2E).get("/v1/models").jsonPath().getList("data.id").contains(name));
    }

    @Test
    void aRuleOfTheFileSendsTrafficToARouteOnlyTheApiDefinesWhileItExists() {
        Response skipped = as(E2E).header("x-frugal-route", "api-only")
                .body("{\"model\":\"policy-mid\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions");
        assertEquals("echo-policy-mid", answeredBy(skipped), "no such route yet: the rule is skipped, the request goes where it names");
        assertNull(skipped.header("x-frugal-route"));

        put(API_ONLY, "{\"candidates\":[\"policy-strong\",\"policy-local\"]}", 201);
        Response ruled = as(E2E).header("x-frugal-route", "api-only")
                .body("{\"model\":\"policy-mid\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions");
        assertEquals("echo-policy-strong", answeredBy(ruled));
        assertEquals(API_ONLY, ruled.header("x-frugal-route"));
        Map<String, Object> deleted = admin().delete("/admin/routes/" + API_ONLY).then().statusCode(200).extract().jsonPath().getMap("");
        assertEquals(List.of("api-only-header"), deleted.get("rules_skipped"));

        Response again = as(E2E).header("x-frugal-route", "api-only")
                .body("{\"model\":\"policy-mid\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions");
        assertEquals("echo-policy-mid", answeredBy(again));
        assertNull(again.header("x-frugal-route"));
    }

    @Test
    void aTeamMadeThroughTheApiMayBeGivenARouteOfTheApiAndOnlyThat() {
        String name = "api-team-route-" + UUID.randomUUID().toString().substring(0, 8);
        put(name, "{\"candidates\":[\"policy-local\",\"policy-strong\"]}", 201);
        String team = "api-route-team-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body("{\"name\":\"" + team + "\",\"models\":[\"" + name + "\"]}").post("/admin/teams").then().statusCode(201);
        String key = admin().body("{}").post("/admin/teams/" + team + "/keys").then().statusCode(201).extract().jsonPath().getString("key");

        assertEquals(List.of(name), as(key).get("/v1/models").jsonPath().getList("data.id"));
        Response r = chat(key, name);
        assertEquals("echo-policy-local", answeredBy(r));
        assertEquals(404, chat(key, "policy-local").statusCode(), "naming the route grants the route, not its candidates");
        admin().delete("/admin/teams/" + team).then().statusCode(200);
    }
}
