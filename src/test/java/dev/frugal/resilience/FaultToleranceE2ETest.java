package dev.frugal.resilience;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults against the real gateway: retried 500, an opening and closing breaker, a bulkhead under 300 requests. */
@QuarkusTest
class FaultToleranceE2ETest {
    @InjectFakeUpstream
    FakeUpstream upstream;

    @BeforeEach
    void clear() { upstream.clear(); }

    static Response chat(String model) {
        return given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    @Test
    void a500IsRetriedAndTheClientSeesOneAnswer() {
        upstream.script("retried-upstream", 500);
        Response r = chat("retried");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("2", r.header("x-frugal-attempts"));
        assertEquals(2, upstream.all().size());
    }

    @Test
    void theBreakerOpensAfterRepeatedFailuresAndClosesAfterRecovery() throws Exception {
        upstream.script("breaker-upstream", 500, 500, 500);
        assertEquals(502, chat("breaker").statusCode()); // 2 calls: try + retry
        assertEquals(502, chat("breaker").statusCode()); // the 3rd consecutive failure opens it; the retry finds it open
        int calls = upstream.all().size();
        Response open = chat("breaker");
        assertEquals(503, open.statusCode(), open.asString());
        assertEquals("1", open.header("retry-after"));
        assertEquals(calls, upstream.all().size(), "an open circuit is not called");
        Thread.sleep(1100); // breaker-cooldown: 1s, then one probe may pass
        Response probe = chat("breaker");
        assertEquals(200, probe.statusCode(), probe.asString());
        assertEquals(200, chat("breaker").statusCode(), "closed again");
    }

    @Test
    void aBulkheadOfFourHoldsUnder300ConcurrentRequests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Response>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) results.add(pool.submit(() -> chat("bulkhead")));
            int ok = 0, shed = 0;
            for (Future<Response> f : results) {
                Response r = f.get();
                if (r.statusCode() == 200) ok++;
                else {
                    assertEquals(503, r.statusCode(), r.asString());
                    assertEquals("1", r.header("retry-after"));
                    assertTrue(r.asString().contains("at capacity"), r.asString());
                    shed++;
                }
            }
            assertEquals(300, ok + shed);
            assertTrue(ok >= 4, "some were served: " + ok);
            assertTrue(upstream.maxConcurrent() <= 4, "never more than 4 at the upstream: " + upstream.maxConcurrent());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFirstTokenPastItsDeadlineIs504InsteadOfAHang() {
        long t0 = System.nanoTime();
        Response r = chat("silent");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(504, r.statusCode(), r.asString());
        assertTrue(r.asString().contains("within 500 ms"), r.asString());
        assertTrue(ms >= 450 && ms < 5_000, "answered after " + ms + " ms");
    }

    @Test
    void anEndlessStreamIsCutAtTheTotalDeadlineWithAnInBandError() {
        long t0 = System.nanoTime();
        String body = given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body("{\"model\":\"endless\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(body.contains("tick"), "chunks were relayed first");
        assertTrue(body.contains("exceeded its total deadline"), body);
        assertTrue(!body.contains("[DONE]"), "no [DONE] after an error");
        assertTrue(ms >= 900 && ms < 5_000, "cut after " + ms + " ms");
    }
}
