package dev.frugal.pipeline;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static dev.frugal.testsupport.LedgerRows.number;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cascade routes and shadow policies end to end (routes {@code cascade-*} and {@code shadowed} of
 * frugal-test.yaml), through {@code /v1/chat/completions}: each cheap candidate ($5 per Mtok in and out) gives an
 * answer that fails one check; the strong one ($10/$30) echoes, with 5 prompt and 2 completion tokens (110
 * micro-USD). The client gets one answer, the ledger row bills both.
 */
@QuarkusTest
class CascadeE2ETest {
    static final String E2E = "frg-test-e2e-key";

    @Inject LedgerRows ledgerRows;
    @Inject MeterRegistry registry;
    @InjectFakeUpstream FakeUpstream upstream;

    @BeforeEach
    void clear() { upstream.clear(); }

    static Response chat(String key, String model, String extra) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}")
                .post("/v1/chat/completions");
    }

    double escalations(String route, String reason) {
        Counter c = registry.find("frugal.cascade.escalations").tags("route", route, "reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            cascade-length  | cascade-cheap-length  | fake-hosted/finish-length            | length       | 8 | 3  |                                               | 55
            cascade-refusal | cascade-cheap-refusal | fake-hosted/cascade-refusal          | refusal      | 8 | 7  |                                               | 75
            cascade-phrase  | cascade-cheap-phrase  | fake-hosted/cascade-refusal-phrase   | refusal      | 8 | 12 |                                               | 100
            cascade-empty   | cascade-cheap-empty   | fake-hosted/cascade-empty            | empty        | 8 | 1  |                                               | 45
            cascade-json    | cascade-cheap-json    | fake-hosted/cascade-bad-json         | invalid_json | 8 | 10 | ,"response_format":{"type":"json_object"}     | 90
            """)
    void aCheapAnswerThatFailsItsCheckEscalatesAndBothAreBilled(String route, String cheap, String cheapDeployment, String reason,
                                                                long cheapIn, long cheapOut, String extra, long cheapMicros) throws Exception {
        double before = escalations(route, reason);
        Response r = chat(E2E, route, extra == null ? "" : extra);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("echo echo-cascade-strong", r.jsonPath().getString("choices[0].message.content"), "one answer: the strong one's");
        assertEquals("cascade-strong", r.header("x-frugal-model"));
        assertEquals(route, r.header("x-frugal-route"));
        assertEquals("2", r.header("x-frugal-cascade"));
        assertEquals("2", r.header("x-frugal-attempts"));
        long total = cheapMicros + 110;
        assertEquals(String.format("%.6f", total / 1e6).replaceAll("0+$", ""), r.header("x-frugal-cost-usd"));
        assertEquals(2, upstream.all().size());
        assertEquals(before + 1, escalations(route, reason), 1e-9);

        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals("cascade-strong", row.get("served_model"));
        assertEquals("fake-hosted/echo-cascade-strong", row.get("deployment"));
        assertEquals(cheapIn + 5, number(row, "prompt_tokens"), "every answer's tokens");
        assertEquals(cheapOut + 2, number(row, "completion_tokens"));
        assertEquals(total, number(row, "cost_micros"));
        assertEquals(cheapMicros, number(row, "cascade_cost_micros"));
        assertEquals(2, number(row, "cascade_steps"));
        assertEquals(2, number(row, "attempts"));
        assertEquals(cheapDeployment + "=escalated(" + reason + ", " + cheapIn + "+" + cheapOut + " tokens, " + cheapMicros
                + " micro-usd);fake-hosted/echo-cascade-strong=success", row.get("attempt_log"));
        assertNull(row.get("shadow_model"));
    }

    @Test
    void aCheapAnswerThatPassesIsServedWithoutEscalation() throws Exception {
        Response r = chat(E2E, "cascade-ok", "");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("echo echo-cascade-cheap", r.jsonPath().getString("choices[0].message.content"));
        assertEquals("cascade-cheap-ok", r.header("x-frugal-model"));
        assertEquals("1", r.header("x-frugal-cascade"));
        assertEquals(1, upstream.all().size(), "the strong candidate was never called");
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(35, number(row, "cost_micros"), "5 + 2 tokens at $5 per Mtok");
        assertEquals(0, number(row, "cascade_cost_micros"));
        assertEquals(1, number(row, "cascade_steps"));
    }

    @Test
    void anUpstreamFailureFallsBackAsBeforeAndIsNotAnEscalation() throws Exception {
        double before = escalations("cascade-ok", "length");
        upstream.script("echo-cascade-cheap", 500);
        Response r = chat(E2E, "cascade-ok", "");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("cascade-strong", r.header("x-frugal-model"));
        assertEquals("1", r.header("x-frugal-cascade"), "one answer paid for: the failure cost nothing");
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals("fake-hosted/echo-cascade-cheap=upstream_error;fake-hosted/echo-cascade-strong=success", row.get("attempt_log"));
        assertEquals(110, number(row, "cost_micros"));
        assertEquals(0, number(row, "cascade_cost_micros"));
        assertEquals(before, escalations("cascade-ok", "length"));
    }

    @Test
    void aClientErrorIsNeverEscalated() throws Exception {
        upstream.script("echo-cascade-cheap", 400);
        Response r = chat(E2E, "cascade-ok", "");
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals(1, upstream.all().size(), "the strong candidate was never called for the client's error");
    }

    @Test
    void aBufferedStreamIsCheckedWholeThenEscalatedAndTheClientSeesOnlyTheStrongStream() throws Exception {
        Response r = chat(E2E, "cascade-stream", ",\"stream\":true");
        assertEquals(200, r.statusCode(), r.asString());
        String body = r.asString();
        assertTrue(body.contains("echo echo-cascade-strong"), body);
        assertTrue(!body.contains("Hello there my"), "nothing of the escalated stream reached the client: " + body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
        assertEquals("2", r.header("x-frugal-cascade"));
        assertEquals("cascade-strong", r.header("x-frugal-model"));
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(2, number(row, "cascade_steps"));
        assertEquals(55, number(row, "cascade_cost_micros"), "the buffered stream's usage chunk: 8 + 3 tokens at $5");
        assertTrue(((String) row.get("attempt_log")).startsWith("fake-hosted/cascade-stream-length=escalated(length, 8+3 tokens"),
                (String) row.get("attempt_log"));
    }

    @Test
    void aBufferedStreamThatPassesIsReplayedWhole() throws Exception {
        Response r = chat(E2E, "cascade-ok", ",\"stream\":true");
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.asString().contains("echo echo-cascade-cheap"), r.asString());
        assertNull(r.header("x-frugal-cascade"), "cascade-ok does not buffer streams: served without cascade");
        Response buffered = chat(E2E, "cascade-stream", ",\"stream\":true,\"max_tokens\":3");
        assertEquals("cascade-strong", buffered.header("x-frugal-model"));
    }

    @Test
    void anUnbufferedStreamOnACascadeRouteIsServedWithoutCascade() throws Exception {
        Response r = chat(E2E, "cascade-stream-unbuffered", ",\"stream\":true");
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.asString().contains("Hello there my"), "the cheap stream, relayed as it came");
        assertNull(r.header("x-frugal-cascade"));
        assertEquals(1, upstream.all().size());
        assertEquals(0, number(ledgerRows.row(r.header("x-request-id")), "cascade_steps"));
    }

    @Test
    void anEscalatedAnswerIsNeverCachedOnlyTheFinalOne() throws Exception {
        String prompt = ",\"temperature\":0,\"seed\":" + System.nanoTime();
        // The store follows the response by a moment: wait for it before asking again.
        Response first = ExactCacheE2ETest.settled("stored", () -> chat(E2E, "cascade-cached", prompt));
        assertEquals("2", first.header("x-frugal-cascade"));
        assertEquals("miss", first.header("x-frugal-cache"));
        Response second = chat(E2E, "cascade-cached", prompt);
        assertEquals("hit", second.header("x-frugal-cache"));
        assertEquals("echo echo-cascade-strong", second.jsonPath().getString("choices[0].message.content"),
                "the stored answer is the final one, never the refusal");
        assertEquals(2, upstream.all().size(), "the hit called nothing");
    }

    @Test
    void theBudgetIsChargedForEveryAnswerOfTheCascade() {
        // $0.0004 a day; one request to cascade-length reserves both candidates' worst case and spends 55 + 110 micro-USD.
        // Had only the answer served been billed (110), the second request's reservation would still fit.
        Response first = chat("frg-test-cascade-budget-key", "cascade-length", ",\"max_tokens\":4");
        assertEquals(200, first.statusCode(), first.asString());
        Response second = chat("frg-test-cascade-budget-key", "cascade-length", ",\"max_tokens\":4");
        assertEquals(429, second.statusCode(), second.asString());
        assertEquals("budget_exceeded", second.jsonPath().getString("error.code"));
        assertTrue(second.jsonPath().getString("error.message").contains("$0.000235 is left"), "400 - 165 spent: " + second.asString());
    }

    @Test
    void theShadowPolicyIsRecordedWithWhatItWouldHaveCostAndNeverCalled() throws Exception {
        Response r = chat(E2E, "shadowed", "");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("cascade-strong", r.header("x-frugal-model"), "ordered: the strong one first");
        assertEquals(List.of("echo-cascade-strong"), upstream.all().stream().map(u -> u.body().getString("model")).toList());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals("cascade-cheap-ok", row.get("shadow_model"), "cheapest would have taken the cheap one");
        assertEquals(35, number(row, "shadow_cost_micros"), "the actual 5 + 2 tokens at $5 per Mtok");
        assertEquals(110, number(row, "cost_micros"));

        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        io.restassured.path.json.JsonPath report = given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306")
                .get("/admin/reports/usage?interval=hour&team=e2e&from=" + today + "&to=" + java.time.LocalDate.parse(today).plusDays(1))
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, report.getInt("shadow.find { it.route == 'shadowed' }.requests"), report.prettify());
        assertEquals(0.000110, report.getDouble("shadow.find { it.route == 'shadowed' }.cost_usd"), 1e-12);
        assertEquals(0.000035, report.getDouble("shadow.find { it.route == 'shadowed' }.shadow_cost_usd"), 1e-12);
        assertEquals(0.000075, report.getDouble("shadow.find { it.route == 'shadowed' }.shadow_savings_usd"), 1e-12);

        io.restassured.path.json.JsonPath explained = given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306")
                .contentType("application/json").body("{\"team\":\"e2e\",\"request\":{\"model\":\"shadowed\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}]}}").post("/admin/routing/explain")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("cascade-strong", explained.getString("choice.model"));
        assertEquals("cascade-cheap-ok", explained.getString("shadow.model"), "explain shows the shadow's choice too");
    }
}
