package dev.frugal.resilience;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream faults the client must survive, each against its own deployment (see frugal-test.yaml,
 * models {@code fault-*}): what the client sees, how many attempts were made, and roughly how long
 * it took. Time bounds are loose on purpose: the machine running the suite may be loaded.
 */
@QuarkusTest
class FaultScenariosE2ETest {
    @InjectFakeUpstream
    FakeUpstream upstream;

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

    @Test
    void aStreamStalledMidwayIsCutByTheIdleTimeoutWithOneInBandError() {
        long t0 = System.nanoTime();
        Response r = post("fault-stall", true);
        long ms = since(t0);
        assertEquals(200, r.statusCode(), "the first chunks were already sent");
        assertEquals("1", r.header("x-frugal-attempts"));
        assertCutInBand(r.asString(), "two ");
        assertTrue(ms >= 600 && ms < 10_000, "cut after " + ms + " ms (idle timeout 700 ms)");
        assertEquals(1, upstream.all().size(), "never retried after the first byte");
    }

    @Test
    void aConnectionResetAfterTheFirstChunkEndsTheStreamWithAnInBandError() {
        long t0 = System.nanoTime();
        Response r = post("fault-reset-mid", true);
        long ms = since(t0);
        assertEquals(200, r.statusCode());
        assertEquals("1", r.header("x-frugal-attempts"));
        assertCutInBand(r.asString(), "partial ");
        assertTrue(ms < 15_000, "ended after " + ms + " ms");
        assertEquals(1, upstream.all().size(), "never retried after the first byte");
    }

    @Test
    void aMalformedEventMidStreamEndsItWithAnInBandError() {
        long t0 = System.nanoTime();
        Response r = post("fault-malformed", true);
        long ms = since(t0);
        assertEquals(200, r.statusCode());
        assertEquals("1", r.header("x-frugal-attempts"));
        JsonObject error = assertCutInBand(r.asString(), "Hello");
        assertFalse(error.encode().contains("wor"), "the broken event is not echoed as content: " + error);
        assertTrue(ms < 15_000, "ended after " + ms + " ms");
    }

    @Test
    void a429WithRetryAfterOneSecondIsHonouredThenTheNextDeploymentAnswers() {
        long t0 = System.nanoTime();
        Response r = post("fault-429-fallback", false);
        long ms = since(t0);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("3", r.header("x-frugal-attempts"), "429, the retry after Retry-After, then the fallback");
        assertEquals("echo echo-after-429", r.jsonPath().getString("choices[0].message.content"));
        assertTrue(ms >= 950 && ms < 10_000, "waited the Retry-After of 1 s, took " + ms + " ms");
        List<String> models = upstream.all().stream().map(x -> x.body().getString("model")).toList();
        assertEquals(List.of("error-429-retry-1s", "error-429-retry-1s", "echo-after-429"), models);
    }

    @Test
    void a529OverloadedIsRetriedThenFallsBack() {
        long t0 = System.nanoTime();
        Response r = post("fault-529-fallback", false);
        long ms = since(t0);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("3", r.header("x-frugal-attempts"));
        assertEquals("echo echo-after-529", r.jsonPath().getString("choices[0].message.content"));
        assertTrue(ms < 15_000, "took " + ms + " ms");
        List<String> models = upstream.all().stream().map(x -> x.body().getString("model")).toList();
        assertEquals(List.of("error-529", "error-529", "echo-after-529"), models);
    }

    @Test
    void eachAttemptIsCountedByOutcome() {
        assertEquals(200, post("fault-529-metrics", false).statusCode());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertEquals(2.0, attempts(metrics, "overloaded"), metrics);
        assertEquals(1.0, attempts(metrics, "success"), metrics);
    }

    /** The value of frugal.upstream.attempt for model fault-529-metrics and this outcome (labels sorted by name). */
    private static double attempts(String metrics, String outcome) {
        String prefix = "frugal_upstream_attempt_total{model=\"fault-529-metrics\",outcome=\"" + outcome + "\",provider=\"patient\"";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }
}
