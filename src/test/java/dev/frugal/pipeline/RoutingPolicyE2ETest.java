package dev.frugal.pipeline;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.frugal.testsupport.LedgerRows.number;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routing policy end to end (routes and rules {@code policy-*} of frugal-test.yaml), through
 * {@code /v1/chat/completions} against fake upstreams of known price and quality: the backend chosen,
 * the {@code x-frugal-*} headers, the ledger row, and {@code POST /admin/routing/explain}.
 * Candidates: policy-local ($0.1/$0.1 per Mtok, quality 0.5, no tools, on the local provider),
 * policy-mid ($1/$2, 0.75), policy-strong ($10/$30, 0.92); the fake answers 5 prompt and 2 completion tokens.
 */
@QuarkusTest
class RoutingPolicyE2ETest {
    static final String E2E = "frg-test-e2e-key";
    static final String INTERNS = "frg-test-policy-interns-key";
    static final String SECRET = "frg-test-policy-secret-key";
    static final String ADMIN = "frg-test-admin-key-2c5e8a1f9b7d4306";

    @Inject LedgerRows ledgerRows;
    @InjectFakeUpstream FakeUpstream upstream;

    @BeforeEach
    void clear() { upstream.clear(); }

    static Response chat(String key, String model) {
        return chat(key, model, "");
    }

    static Response chat(String key, String model, String extra) {
        return as(key).body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}")
                .post("/v1/chat/completions");
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json");
    }

    /** The model the fake upstream was asked for, by the echo's answer. */
    static String answeredBy(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getString("choices[0].message.content").substring("echo ".length());
    }

    @Test
    void cheapestWithMinQualityTakesTheCheapestGoodEnoughAndSaysSoInHeadersAndLedger() throws Exception {
        Response r = chat(E2E, "policy-cheap");
        assertEquals("echo-policy-mid", answeredBy(r), "strong and mid reach 0.7; mid is cheaper");
        assertEquals("policy-cheap", r.header("x-frugal-route"));
        assertEquals("policy-mid", r.header("x-frugal-model"));
        assertEquals("0.000009", r.header("x-frugal-cost-usd"), "5 prompt tokens at $1 + 2 completion tokens at $2 per million");
        assertNull(r.header("x-frugal-cost-estimated"), "a whole answer's cost is what it cost");

        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals("policy-cheap", row.get("route"));
        assertEquals("policy-cheap", row.get("requested_model"));
        assertEquals("policy-mid", row.get("served_model"));
        assertEquals(0.75, ((Number) row.get("predicted_quality")).doubleValue(), 1e-9);
        assertEquals(9, number(row, "cost_micros"));
        String decision = (String) row.get("route_decision");
        assertTrue(decision.startsWith("cheapest min-quality=0.7: policy-mid [fake-hosted/echo-policy-mid cost="), decision);
        assertTrue(decision.contains("quality=0.75], policy-strong [fake-hosted/echo-policy-strong cost="), decision);
        assertTrue(decision.contains("quality=0.92], policy-local [fake-local/echo-policy-local cost="), decision);
    }

    @Test
    void bestTakesTheBestWithinItsCostCapEstimatedFromTheRequestsOutputLimit() {
        // with max_tokens 100, mid costs about $0.0002 and fits $0.001; strong ($0.003) does not
        Response capped = chat(E2E, "policy-best", ",\"max_tokens\":100");
        assertEquals("echo-policy-mid", answeredBy(capped));
        // without a limit, 1 000 output tokens are assumed: mid ($0.002) no longer fits, local ($0.0001) does
        Response open = chat(E2E, "policy-best");
        assertEquals("echo-policy-local", answeredBy(open));
        assertEquals("policy-local", open.header("x-frugal-model"));
    }

    @Test
    void aLocalOnlyRouteNeverLeavesTheLocalProvider() throws Exception {
        Response r = chat(E2E, "policy-private");
        assertEquals("echo-policy-local", answeredBy(r), "strong is cheaper to skip only because it is not local");
        assertTrue(upstream.all().stream().allMatch(u -> u.body().getString("model").equals("echo-policy-local")));
        String decision = (String) ledgerRows.row(r.header("x-request-id")).get("route_decision");
        assertTrue(decision.endsWith("; dropped: policy-strong [fake-hosted/echo-policy-strong data_policy]"), decision);
    }

    @Test
    void aLocalOnlyTeamIsRefusedAHostedModelAndRoutedLocallyOnARoute() throws Exception {
        Response hosted = chat(SECRET, "policy-strong");
        assertEquals(403, hosted.statusCode(), hosted.asString());
        assertEquals("data_policy", hosted.jsonPath().getString("error.code"));
        assertEquals("The model `policy-strong` has no deployment on local hardware, and the data policy of team `policy-secret` "
                + "is local-only.", hosted.jsonPath().getString("error.message"));
        assertEquals(0, upstream.all().size(), "nothing was sent anywhere");
        Map<String, Object> row = ledgerRows.row(hosted.header("x-request-id"));
        assertEquals("data_policy", row.get("error_code"));
        assertEquals("ordered: none; dropped: policy-strong [fake-hosted/echo-policy-strong data_policy]", row.get("route_decision"));

        Response routed = chat(SECRET, "policy-cheap");
        assertEquals("echo-policy-local", answeredBy(routed), "below min-quality, but the only one allowed: the best predicted");
    }

    @Test
    void aRuleByHeaderChoosesTheRouteWithoutTheClientChangingItsModel() throws Exception {
        Response r = chat(E2E, "policy-strong").then().extract().response(); // plain: strong answers
        assertEquals("echo-policy-strong", answeredBy(r));
        assertNull(r.header("x-frugal-route"), "a model called by name has no route");
        assertEquals("policy-strong", r.header("x-frugal-model"));

        Response ruled = as(E2E).header("x-frugal-route", "private")
                .body("{\"model\":\"policy-strong\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions");
        assertEquals("echo-policy-local", answeredBy(ruled));
        assertEquals("policy-private", ruled.header("x-frugal-route"));
        Map<String, Object> row = ledgerRows.row(ruled.header("x-request-id"));
        assertEquals("policy-strong", row.get("requested_model"), "what the client asked for");
        assertEquals("policy-private", row.get("route"));
        assertTrue(((String) row.get("route_decision")).startsWith("cheapest rule=private-header: policy-local"), row.toString());
    }

    @Test
    void aRuleByTeamRoutesAnyModelNameButNeverWidensTheTeamsAccess() throws Exception {
        Response r = chat(INTERNS, "gpt-4o");
        assertEquals("echo-policy-mid", answeredBy(r), "the rule sends them to policy-cheap, whatever they ask for");
        assertEquals("policy-cheap", r.header("x-frugal-route"));
        String decision = (String) ledgerRows.row(r.header("x-request-id")).get("route_decision");
        assertTrue(decision.startsWith("cheapest min-quality=0.7 rule=interns-go-cheap: policy-mid"), decision);
        assertTrue(decision.endsWith("; dropped: policy-strong [team_access]"), "strong is not the interns' model: " + decision);
    }

    @Test
    void fastestExploresWhatWasNeverMeasuredThenKeepsToTheFastest() {
        List<String> served = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) served.add(chat(E2E, "policy-fastest").header("x-frugal-model"));
        assertEquals(List.of("policy-slow", "policy-quick", "policy-quick", "policy-quick"), served,
                "slow first (listed first, unmeasured), quick next (unmeasured), then quick (about 1.5 s faster)");
    }

    @Test
    void aStreamCarriesTheEstimatedCostAndSaysItIsAnEstimate() {
        Response r = as(E2E).body("{\"model\":\"policy-cheap\",\"stream\":true,\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("policy-mid", r.header("x-frugal-model"), r.headers() + " " + r.asString());
        assertEquals("policy-cheap", r.header("x-frugal-route"));
        assertEquals("true", r.header("x-frugal-cost-estimated"));
        double estimate = Double.parseDouble(r.header("x-frugal-cost-usd"));
        assertTrue(estimate > 0.00002 && estimate < 0.0001, "the prompt estimate at $1 and 10 output tokens at $2 per million: " + estimate);
    }

    // ---- explain --------------------------------------------------------------------------

    static Response explain(String body) {
        return given().header("Authorization", "Bearer " + ADMIN).contentType("application/json").body(body)
                .post("/admin/routing/explain");
    }

    @Test
    void explainShowsEveryCandidateKeptOrFilteredItsScoresTheChoiceAndFallbacksWithoutCallingUpstream() {
        Response r = explain("{\"team\":\"e2e\",\"request\":{\"model\":\"policy-cheap\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"max_tokens\":50}}");
        assertEquals(200, r.statusCode(), r.asString());
        JsonPath j = r.jsonPath();
        assertEquals("routing.decision", j.getString("object"));
        assertEquals("policy-cheap", j.getString("route"));
        assertEquals("cheapest min-quality=0.7", j.getString("objective"));
        assertEquals(List.of("tools"), j.getList("request.needs"));
        assertEquals(50, j.getInt("request.output_limit"));
        assertEquals("policy-mid", j.getString("choice.model"));
        assertEquals("fake-hosted/echo-policy-mid", j.getString("choice.deployment"));
        assertEquals(0.75, j.getDouble("choice.predicted_quality"), 1e-9);
        assertTrue(j.getDouble("choice.estimated_cost_usd") > 0);
        assertEquals(List.of("policy-strong"), j.getList("fallbacks.model"));
        assertEquals(List.of("policy-mid", "policy-strong", "policy-local"), j.getList("candidates.model"));
        assertEquals(List.of(true, true, false), j.getList("candidates.kept"));
        assertEquals("capability", j.getString("candidates[2].reason"));
        assertEquals("tools", j.getString("candidates[2].detail"));
        assertTrue(j.getString("compact").startsWith("cheapest min-quality=0.7: policy-mid"), j.getString("compact"));
        assertNull(j.get("error"));
        assertEquals(0, upstream.all().size(), "explain calls no upstream");
    }

    @Test
    void explainShowsThePredictedQualityAndCostEvenForAnObjectiveThatReadsNeither() {
        JsonPath j = explain("{\"team\":\"e2e\",\"request\":{\"model\":\"policy-fastest\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}}").then().statusCode(200).extract().jsonPath();
        assertEquals("fastest", j.getString("objective"));
        Map<String, Object> slow = j.getMap("candidates.find { it.model == 'policy-slow' }");
        Map<String, Object> quick = j.getMap("candidates.find { it.model == 'policy-quick' }");
        assertEquals(false, slow.get("priced"), "slow has no price: unknown, not $0");
        assertNull(slow.get("estimated_cost_usd"));
        assertNull(slow.get("predicted_quality"));
        assertEquals(true, quick.get("priced"));
        assertTrue(((Number) quick.get("estimated_cost_usd")).doubleValue() > 0);
        assertEquals(0.6, ((Number) quick.get("predicted_quality")).doubleValue(), 1e-6);
    }

    @Test
    void explainOfARequestTheGatewayWouldRefuseShowsTheDecisionAndTheError() {
        JsonPath j = explain("{\"team\":\"policy-secret\",\"request\":{\"model\":\"policy-strong\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"hi\"}]}}").then().statusCode(200).extract().jsonPath();
        assertNull(j.get("choice"));
        assertEquals("data_policy", j.getString("candidates[0].reason"));
        assertEquals("local-only (team policy-secret)", j.getString("candidates[0].detail"));
        assertEquals(403, j.getInt("error.status"));
        assertEquals("data_policy", j.getString("error.code"));
    }

    @Test
    void explainMatchesRulesByTheKeyIdAndHeaderGiven() {
        JsonPath j = explain("{\"team\":\"e2e\",\"headers\":{\"x-frugal-route\":\"private\"},\"request\":{\"model\":\"policy-strong\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}").then().statusCode(200).extract().jsonPath();
        assertEquals("private-header", j.getString("rule"));
        assertEquals("policy-private", j.getString("route"));
        assertEquals("policy-local", j.getString("choice.model"));
    }

    @Test
    void explainFindsATeamMadeThroughTheAdminApiInTheDatabase() {
        String team = "explain-api-" + Long.toHexString(System.nanoTime());
        given().header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                .body("{\"name\":\"" + team + "\",\"models\":[\"policy-cheap\"]}").post("/admin/teams").then().statusCode(201);
        try {
            JsonPath j = explain("{\"team\":\"" + team + "\",\"request\":{\"model\":\"policy-cheap\",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"hi\"}]}}").then().statusCode(200).extract().jsonPath();
            assertEquals(team, j.getString("team"));
            assertEquals("policy-mid", j.getString("choice.model"));
            Response notTheirs = explain("{\"team\":\"" + team + "\",\"request\":{\"model\":\"policy-mid\",\"messages\":[{"
                    + "\"role\":\"user\",\"content\":\"hi\"}]}}");
            assertEquals(404, notTheirs.statusCode(), "the route grants itself, not its candidates by name");
        } finally {
            given().header("Authorization", "Bearer " + ADMIN).delete("/admin/teams/" + team).then().statusCode(200);
        }
    }

    @Test
    void explainRefusesWhatItCannotExplainInOpenAisShape() {
        Response unknownTeam = explain("{\"team\":\"nobody\",\"request\":{\"model\":\"policy-cheap\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}}");
        assertEquals(404, unknownTeam.statusCode());
        assertEquals("team_not_found", unknownTeam.jsonPath().getString("error.code"));
        Response noMessages = explain("{\"team\":\"e2e\",\"request\":{\"model\":\"policy-cheap\"}}");
        assertEquals(400, noMessages.statusCode());
        assertEquals("request.messages", noMessages.jsonPath().getString("error.param"));
        Response notJson = explain("{\"team\":");
        assertEquals(400, notJson.statusCode());
        assertEquals("invalid_json", notJson.jsonPath().getString("error.code"));
        Response notTheirs = explain("{\"team\":\"policy-interns\",\"request\":{\"model\":\"policy-strong\",\"messages\":[]}}");
        assertEquals(400, notTheirs.statusCode(), "no messages: " + notTheirs.asString());
        Response hidden = explain("{\"team\":\"alpha\",\"request\":{\"model\":\"policy-cheap\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}}");
        assertEquals(404, hidden.statusCode(), "as the team itself would be answered: " + hidden.asString());
        assertEquals("model_not_found", hidden.jsonPath().getString("error.code"));
        given().contentType("application/json").body("{}").post("/admin/routing/explain").then().statusCode(401);
    }
}
