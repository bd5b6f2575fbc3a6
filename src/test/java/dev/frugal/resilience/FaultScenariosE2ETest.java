package dev.frugal.resilience;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.MetricsPage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.frugal.testsupport.LedgerRows.assertOutcome;
import static dev.frugal.testsupport.LedgerRows.number;

/**
 * Upstream faults the client must survive, each against its own deployment (see frugal-test.yaml,
 * models {@code fault-*}): what the client sees, how many attempts were made, and roughly how long
 * it took, and the ledger row each leaves. Time bounds are loose on purpose: the machine running
 * the suite may be loaded.
 */
@QuarkusTest
class FaultScenariosE2ETest {
    @InjectFakeUpstream
    FakeUpstream upstream;

    @Inject
    LedgerRows ledger;

    @BeforeEach
    void clear() { upstream.clear(); }

    private static Response post(String model, boolean stream) {
        return given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    /** The data events of an SSE body, in order. */
    private static List<String> events(String body) {
        return body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    /** The stream relayed some content, then ended with exactly one OpenAI-shaped error event and no [DONE]. */
    private static JsonObject assertCutInBand(String body, String relayed) {
        List<String> events = events(body);
        assertTrue(body.contains(relayed), "chunks before the fault are relayed: " + body);
        assertFalse(body.contains("[DONE]"), "no [DONE] after an error: " + body);
        List<JsonObject> errors = events.stream().map(JsonObject::new).filter(e -> e.containsKey("error")).toList();
        assertEquals(1, errors.size(), body);
        assertEquals(errors.get(0).encode(), new JsonObject(events.get(events.size() - 1)).encode(), "the error is the last event");
        JsonObject error = errors.get(0).getJsonObject("error");
        assertTrue(error.getString("message") != null && !error.getString("message").isBlank(), body);
        assertTrue(error.containsKey("type"), body);
        return error;
    }

    private static long since(long t0) { return (System.nanoTime() - t0) / 1_000_000; }

    /**
     * The row of a stream cut after its first chunk: the in-band error's status and code, the one
     * call (a success as far as fallback goes: it had sent its first chunk), and the text relayed
     * before the cut billed, estimated since the upstream never reported usage.
     */
    private Map<String, Object> assertCutRow(Response r, int status, JsonObject error, String attemptLog, long clientMillis)
            throws Exception {
        Map<String, Object> row = ledger.row(r.header("x-request-id"));
        assertOutcome(row, status, error.getString("code"), Integer.parseInt(r.header("x-frugal-attempts")), attemptLog, true);
        assertEquals(true, row.get("estimated"), "counted by the gateway: " + row);
        assertTrue(number(row, "completion_tokens") > 0, "the relayed text is billed: " + row);
        assertTrue(number(row, "prompt_tokens") > 0, "the prompt estimate too: " + row);
        assertTrue(number(row, "ttft_ms") >= 0, "the first chunk was relayed: " + row);
        assertTrue(number(row, "latency_ms") <= clientMillis, "the gateway's time is within the client's " + clientMillis + " ms: " + row);
        return row;
    }

    @Test
    void aStreamStalledMidwayIsCutByTheIdleTimeoutWithOneInBandError() throws Exception {
        long t0 = System.nanoTime();
        Response r = post("fault-stall", true);
        long ms = since(t0);
        assertEquals(200, r.statusCode(), "the first chunks were already sent");
        assertEquals("1", r.header("x-frugal-attempts"));
        JsonObject error = assertCutInBand(r.asString(), "two ");
        assertTrue(ms >= 600 && ms < 10_000, "cut after " + ms + " ms (idle timeout 700 ms)");
        assertEquals(1, upstream.all().size(), "never retried after the first byte");
        Map<String, Object> row = assertCutRow(r, 504, error, "faulty/stall-stream=success", ms);
        assertEquals("upstream_timeout", row.get("error_code"));
        assertTrue(number(row, "latency_ms") >= 600, "cut by the idle timeout: " + row);
    }

    @Test
    void aConnectionResetAfterTheFirstChunkEndsTheStreamWithAnInBandError() throws Exception {
        long t0 = System.nanoTime();
        Response r = post("fault-reset-mid", true);
        long ms = since(t0);
        assertEquals(200, r.statusCode());
        assertEquals("1", r.header("x-frugal-attempts"));
        JsonObject error = assertCutInBand(r.asString(), "partial ");
        assertTrue(ms < 15_000, "ended after " + ms + " ms");
        assertEquals(1, upstream.all().size(), "never retried after the first byte");
        // the connection was lost after an answer began: 502 upstream_connection_lost in-band; the row records what the client was told
        assertEquals("upstream_connection_lost", error.getString("code"));
        assertCutRow(r, 502, error, "faulty/reset-after-chunk=success", ms);
    }

    @Test
    void aMalformedEventMidStreamEndsItWithAnInBandError() throws Exception {
        long t0 = System.nanoTime();
        Response r = post("fault-malformed", true);
        long ms = since(t0);
        assertEquals(200, r.statusCode());
        assertEquals("1", r.header("x-frugal-attempts"));
        JsonObject error = assertCutInBand(r.asString(), "Hello");
        assertFalse(error.encode().contains("wor"), "the broken event is not echoed as content: " + error);
        assertTrue(ms < 15_000, "ended after " + ms + " ms");
        assertCutRow(r, 502, error, "faulty/stream-malformed=success", ms);
    }

    @Test
    void a429WithRetryAfterOneSecondIsHonouredThenTheNextDeploymentAnswers() throws Exception {
        long t0 = System.nanoTime();
        Response r = post("fault-429-fallback", false);
        long ms = since(t0);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("3", r.header("x-frugal-attempts"), "429, the retry after Retry-After, then the fallback");
        assertEquals("echo echo-after-429", r.jsonPath().getString("choices[0].message.content"));
        assertTrue(ms >= 950 && ms < 10_000, "waited the Retry-After of 1 s, took " + ms + " ms");
        List<String> models = upstream.all().stream().map(x -> x.body().getString("model")).toList();
        assertEquals(List.of("error-429-retry-1s", "error-429-retry-1s", "echo-after-429"), models);
        Map<String, Object> row = assertServedRow(r, "patient/error-429-retry-1s=rate_limited;patient/error-429-retry-1s=rate_limited;"
                + "patient/echo-after-429=success", "patient/echo-after-429", ms);
        assertTrue(number(row, "latency_ms") >= 950, "the Retry-After wait is in the request's time: " + row);
    }

    @Test
    void a529OverloadedIsRetriedThenFallsBack() throws Exception {
        long t0 = System.nanoTime();
        Response r = post("fault-529-fallback", false);
        long ms = since(t0);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("3", r.header("x-frugal-attempts"));
        assertEquals("echo echo-after-529", r.jsonPath().getString("choices[0].message.content"));
        assertTrue(ms < 15_000, "took " + ms + " ms");
        List<String> models = upstream.all().stream().map(x -> x.body().getString("model")).toList();
        assertEquals(List.of("error-529", "error-529", "echo-after-529"), models);
        assertServedRow(r, "patient/error-529=overloaded;patient/error-529=overloaded;patient/echo-after-529=success",
                "patient/echo-after-529", ms);
    }

    /** The row of a request served after failed attempts: billed by the deployment that answered, with the whole trace. */
    private Map<String, Object> assertServedRow(Response r, String attemptLog, String deployment, long clientMillis) throws Exception {
        Map<String, Object> row = ledger.row(r.header("x-request-id"));
        assertOutcome(row, 200, null, Integer.parseInt(r.header("x-frugal-attempts")), attemptLog, false);
        assertEquals(deployment, row.get("deployment"));
        assertEquals(5L, number(row, "prompt_tokens"), "the usage the answering upstream reported: " + row);
        assertEquals(2L, number(row, "completion_tokens"), row.toString());
        assertEquals(false, row.get("estimated"));
        assertTrue(number(row, "latency_ms") <= clientMillis, "the gateway's time is within the client's " + clientMillis + " ms: " + row);
        return row;
    }

    @Test
    void eachAttemptIsCountedByOutcome() throws Exception {
        MetricsPage before = MetricsPage.scrape();
        Response r = post("fault-529-metrics", false);
        assertEquals(200, r.statusCode());
        assertOutcome(ledger.row(r.header("x-request-id")), 200, null, Integer.parseInt(r.header("x-frugal-attempts")),
                "patient/error-529=overloaded;patient/error-529=overloaded;patient/echo-metrics=success", false);
        MetricsPage after = MetricsPage.scrape();
        assertEquals(2.0, attempts(after, "overloaded") - attempts(before, "overloaded"), after.text());
        assertEquals(1.0, attempts(after, "success") - attempts(before, "success"), after.text());
    }

    /** The value of frugal.upstream.attempts for model fault-529-metrics and this outcome. */
    private static double attempts(MetricsPage page, String outcome) {
        return page.value("frugal_upstream_attempts_total", "model=\"fault-529-metrics\"", "outcome=\"" + outcome + "\"", "provider=\"patient\"");
    }
}
