package dev.frugal.pipeline;

import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.frugal.testsupport.LedgerRows.assertOutcome;
import static dev.frugal.testsupport.LedgerRows.number;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routes end to end (routes[] of frugal-test.yaml): fallback across a route's candidates, a route's
 * own first-token deadline over its candidate's, cheapest first, the ledger's route and route decision
 * columns, team access and {@code /v1/models}.
 */
@QuarkusTest
class RoutesE2ETest {
    static final String E2E = "frg-test-e2e-key";
    static final String ROUTED = "frg-test-routed-key";

    @Inject LedgerRows ledgerRows;

    private static Response chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    @Test
    void aFailingFirstCandidateFallsBackToTheNextAndTheRowNamesTheRoute() throws Exception {
        Response r = chat(E2E, "route-fallback");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("echo echo-route", r.jsonPath().getString("choices[0].message.content"));
        assertEquals("2", r.header("x-frugal-attempts"));
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertOutcome(row, 200, null, 2, "fake/error-500=upstream_error;fake/echo-route=success", false);
        assertEquals("route-fallback", row.get("route"));
        assertEquals("route-fallback", row.get("requested_model"), "what the client asked for");
        assertEquals("fake/echo-route", row.get("deployment"), "billed to the candidate that answered");
    }

    @Test
    void aRoutesFirstTokenDeadlineOverridesItsCandidatesOwn() throws Exception {
        long t0 = System.nanoTime();
        Response r = chat(E2E, "route-deadline");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("echo echo-route", r.jsonPath().getString("choices[0].message.content"));
        assertEquals("2", r.header("x-frugal-attempts"));
        // route-hang's own deadline is 20 s; the route's 300 ms cut it
        assertTrue(ms >= 250 && ms < 10_000, "answered after " + ms + " ms");
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertOutcome(row, 200, null, 2, "deadlined/hang=timeout;fake/echo-route=success", false);
        assertEquals("route-deadline", row.get("route"));
        assertTrue(number(row, "latency_ms") >= 250, "waited for the route's deadline: " + row);
    }

    @Test
    void aCheapestRouteTriesThePricedCandidateBeforeTheUnpricedOne() throws Exception {
        Response r = chat(E2E, "route-cheapest");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("1", r.header("x-frugal-attempts"));
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals("sim-slow", row.get("provider"), "priced-sim is priced, route-echo is not: " + row);
        assertEquals("route-cheapest", row.get("route"));
        assertTrue(number(row, "cost_micros") > 0, "billed at priced-sim's price: " + row);
    }

    @Test
    void aRoutesRowShowsItsCandidatesInTheOrderTriedWithTheirPrices() throws Exception {
        Response r = chat(E2E, "route-cheapest");
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        // priced-sim: $1000 per million output tokens, so 1 000 000 µUSD for the nominal 1 000 + 1 000 tokens
        assertEquals("cheapest: priced-sim [sim-slow/priced-sim cost=1000000], route-echo [fake/echo-route cost=unpriced]",
                row.get("route_decision"));
    }

    @Test
    void aModelsRowShowsItsDeploymentsInTheOrderTried() throws Exception {
        Response r = chat(E2E, "flaky");
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals("ordered: flaky [fake/error-500, fake/echo-second]", row.get("route_decision"));
        Response routed = chat(E2E, "route-fallback");
        assertEquals("ordered: route-broken [fake/error-500], route-echo [fake/echo-route]",
                ledgerRows.row(routed.header("x-request-id")).get("route_decision"), "a route's candidates as listed");
    }

    @Test
    void aModelCalledByNameHasNoRouteInItsRow() throws Exception {
        Response r = chat(E2E, "route-echo");
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(null, row.get("route"));
        assertEquals("route-echo", row.get("requested_model"));
    }

    @Test
    void aTeamNamingOnlyTheRouteMayCallItButNotItsCandidatesByName() {
        assertEquals(200, chat(ROUTED, "route-fallback").statusCode());
        Response direct = chat(ROUTED, "route-echo");
        assertEquals(404, direct.statusCode());
        assertEquals("model_not_found", direct.jsonPath().getString("error.code"));
        Response other = chat(ROUTED, "route-deadline");
        assertEquals(404, other.statusCode(), "a route the team does not name is not found");
        assertEquals("model_not_found", other.jsonPath().getString("error.code"));
    }

    @Test
    void modelsListsTheRoutesTheTeamMayCall() {
        Response routed = given().header("Authorization", "Bearer " + ROUTED).get("/v1/models");
        assertEquals(200, routed.statusCode());
        assertEquals(List.of("route-fallback"), routed.jsonPath().getList("data.id"));
        assertEquals(List.of("frugal-route"), routed.jsonPath().getList("data.owned_by"));
        given().header("Authorization", "Bearer " + ROUTED).get("/v1/models/route-fallback").then()
                .statusCode(200).body("owned_by", org.hamcrest.Matchers.equalTo("frugal-route"));
        given().header("Authorization", "Bearer " + ROUTED).get("/v1/models/route-deadline").then().statusCode(404);

        List<String> all = given().header("Authorization", "Bearer " + E2E).get("/v1/models").jsonPath().getList("data.id");
        assertTrue(all.containsAll(List.of("route-fallback", "route-deadline", "route-cheapest", "route-echo")), all.toString());
        List<String> alpha = given().header("Authorization", "Bearer frg-test-alpha-key").get("/v1/models").jsonPath().getList("data.id");
        assertFalse(alpha.contains("route-fallback"), "alpha's list names no route: " + alpha);
    }
}
