package dev.frugal.resilience;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.TestTime;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.frugal.testsupport.LedgerRows.assertOutcome;
import static dev.frugal.testsupport.LedgerRows.number;

/**
 * Faults against the real gateway: retried 500, an opening and closing breaker, a bulkhead under
 * 300 requests (with and without a queue), a queue's timeout, and a client leaving the queue —
 * each with the ledger rows it leaves (one per request, with its status, error and attempt trace).
 */
@QuarkusTest
class FaultToleranceE2ETest {
    @InjectFakeUpstream
    FakeUpstream upstream;

    @Inject
    LedgerRows ledger;

    @BeforeEach
    void clear() { upstream.clear(); }

    /** The row of an answered request: what the client got, and as many calls as its x-frugal-attempts said. */
    Map<String, Object> assertRow(Response r, String attemptLog) throws Exception {
        Map<String, Object> row = ledger.row(r.header("x-request-id"));
        String code = r.statusCode() == 200 ? null : r.jsonPath().getString("error.code");
        assertOutcome(row, r.statusCode(), code, Integer.parseInt(r.header("x-frugal-attempts")), attemptLog, false);
        return row;
    }

    /**
     * The rows of many answers: one each, as many of each status as the clients got, calls summing
     * to the x-frugal-attempts headers, and the trace of each status as given.
     */
    void assertRows(List<Response> answers, Map<Integer, String> attemptLogByStatus) throws Exception {
        List<Map<String, Object>> rows = ledger.rows(answers.stream().map(r -> r.header("x-request-id")).toList());
        assertEquals(count(answers.stream().map(Response::statusCode).toList()),
                count(rows.stream().map(row -> (int) number(row, "status")).toList()), "rows by status = answers by status");
        assertEquals(answers.stream().mapToLong(r -> Long.parseLong(r.header("x-frugal-attempts"))).sum(),
                rows.stream().mapToLong(row -> number(row, "attempts")).sum(), "calls in the rows = calls in the headers");
        for (int i = 0; i < answers.size(); i++) {
            Response r = answers.get(i);
            Map<String, Object> row = rows.get(i);
            String code = r.statusCode() == 200 ? null : r.jsonPath().getString("error.code");
            assertOutcome(row, r.statusCode(), code, Integer.parseInt(r.header("x-frugal-attempts")),
                    attemptLogByStatus.get(r.statusCode()), false);
        }
    }

    private static Map<Integer, Long> count(List<Integer> statuses) {
        return statuses.stream().collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
    }

    static Response chat(String model) {
        return given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    @Test
    void a500IsRetriedAndTheClientSeesOneAnswer() throws Exception {
        upstream.script("retried-upstream", 500);
        Response r = chat("retried");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("2", r.header("x-frugal-attempts"));
        assertEquals(2, upstream.all().size());
        Map<String, Object> row = assertRow(r, "guarded/retried-upstream=upstream_error;guarded/retried-upstream=success");
        assertEquals(2L, number(row, "completion_tokens"), "billed once, for the answer: " + row);
    }

    @Test
    void theBreakerOpensAfterRepeatedFailuresAndClosesAfterRecovery() throws Exception {
        upstream.script("breaker-upstream", 500, 500, 500);
        Response first = chat("breaker");
        assertEquals(502, first.statusCode()); // 2 calls: try + retry
        Response second = chat("breaker");
        assertEquals(502, second.statusCode()); // the 3rd consecutive failure opens it; the retry finds it open
        int calls = upstream.all().size();
        Response open = chat("breaker");
        assertEquals(503, open.statusCode(), open.asString());
        assertEquals("1", open.header("retry-after"));
        assertEquals(calls, upstream.all().size(), "an open circuit is not called");
        TestTime.advance(Duration.ofSeconds(1)); // breaker-cooldown: 1s of the gateway's time, then one probe may pass
        Response probe = chat("breaker");
        assertEquals(200, probe.statusCode(), probe.asString());
        Response closed = chat("breaker");
        assertEquals(200, closed.statusCode(), "closed again");

        String d = "guarded/breaker-upstream=";
        assertRow(first, d + "upstream_error;" + d + "upstream_error");
        assertRow(second, d + "upstream_error;" + d + "skipped_open");
        Map<String, Object> refused = assertRow(open, d + "skipped_open");
        assertEquals(0, (int) number(refused, "attempts"), "nothing was called: " + refused);
        assertEquals("guarded/breaker-upstream", refused.get("deployment"), "the deployment passed over: " + refused);
        assertEquals(0L, number(refused, "prompt_tokens") + number(refused, "completion_tokens"), "nothing billed: " + refused);
        assertRow(probe, d + "success");
        assertRow(closed, d + "success");
    }

    @Test
    void aBulkheadOfFourHoldsUnder300ConcurrentRequests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Response>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) results.add(pool.submit(() -> chat("bulkhead")));
            int ok = 0, shed = 0;
            List<Response> answers = new ArrayList<>();
            for (Future<Response> f : results) {
                Response r = f.get();
                answers.add(r);
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
            assertRows(answers, Map.of(200, "guarded/slow-ok=success", 503, "guarded/slow-ok=skipped_capacity"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFirstTokenPastItsDeadlineIs504InsteadOfAHang() throws Exception {
        long t0 = System.nanoTime();
        Response r = chat("silent");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(504, r.statusCode(), r.asString());
        assertTrue(r.asString().contains("within 500 ms"), r.asString());
        assertTrue(ms >= 450 && ms < 5_000, "answered after " + ms + " ms");
        Map<String, Object> row = assertRow(r, "deadlined/hang=timeout");
        assertEquals("upstream_timeout", row.get("error_code"));
        long latency = number(row, "latency_ms");
        assertTrue(latency >= 450 && latency <= ms, "the row's time is the deadline's, within the client's " + ms + " ms: " + row);
    }

    @Test
    void anEndlessStreamIsCutAtTheTotalDeadlineWithAnInBandError() throws Exception {
        long t0 = System.nanoTime();
        Response r = given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body("{\"model\":\"endless\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
        String body = r.then().statusCode(200).extract().asString();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(body.contains("tick"), "chunks were relayed first");
        assertTrue(body.contains("exceeded its total deadline"), body);
        assertTrue(!body.contains("[DONE]"), "no [DONE] after an error");
        assertTrue(ms >= 900 && ms < 5_000, "cut after " + ms + " ms");

        Map<String, Object> row = ledger.row(r.header("x-request-id"));
        assertOutcome(row, 504, "upstream_timeout", Integer.parseInt(r.header("x-frugal-attempts")), "deadlined/slow-stream=success", true);
        assertTrue(body.contains("\"code\":\"upstream_timeout\""), "the row's error is the in-band one: " + body);
        long ticks = body.split("\"tick \"", -1).length - 1;
        assertEquals(true, row.get("estimated"), "the upstream reported no usage: " + row);
        assertTrue(number(row, "completion_tokens") >= ticks, "the " + ticks + " ticks relayed are billed: " + row);
        long latency = number(row, "latency_ms");
        assertTrue(latency >= 900 && latency <= ms, "cut at the 1 s total deadline: " + row);
    }
    /** The bulkhead of {@code deployment} as /admin/backends shows it: in_flight and queued, or null before its first call. */
    static Map<String, Object> backend(String deployment) {
        JsonPath admin = given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306").get("/admin/backends")
                .then().statusCode(200).extract().jsonPath();
        return admin.getMap("data.find { it.deployment == '" + deployment + "' }");
    }

    /** Polls /admin/backends until {@code field} of the deployment is {@code value}; returns when it was seen. */
    static long await(String deployment, String field, int value) throws InterruptedException {
        Map<String, Object> last = null;
        for (int i = 0; i < 500; i++) {
            last = backend(deployment);
            if (last != null && Integer.valueOf(value).equals(last.get(field))) return System.nanoTime();
            Thread.sleep(10);
        }
        throw new AssertionError(deployment + " never had " + field + " = " + value + ": " + last);
    }

    static long millisSince(long t0) { return (System.nanoTime() - t0) / 1_000_000; }

    record Timed(Response response, long millis) {}

    @Test
    void aBulkheadOfFourWithAQueueOfEightServesTheQueuedAndShedsTheRestAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Timed>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                results.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    Response r = chat("bulkhead-queued");
                    return new Timed(r, millisSince(t0));
                }));
            }
            int ok = 0, shed = 0;
            long slowestShed = 0;
            List<Response> answers = new ArrayList<>();
            for (Future<Timed> f : results) {
                Response r = f.get().response();
                answers.add(r);
                if (r.statusCode() == 200) ok++;
                else {
                    assertEquals(503, r.statusCode(), r.asString());
                    assertEquals("1", r.header("retry-after"));
                    assertTrue(r.asString().contains("at capacity") && r.asString().contains("no_backend_available"), r.asString());
                    shed++;
                    slowestShed = Math.max(slowestShed, f.get().millis());
                }
            }
            assertEquals(300, ok + shed);
            assertTrue(ok >= 12, "the first 4 took the slots and the next 8 waited for them, all served: " + ok);
            assertTrue(upstream.maxConcurrent() <= 4, "never more than 4 at the upstream: " + upstream.maxConcurrent());
            assertTrue(slowestShed < 2_500, "a request finding the queue full is refused at once, not after the 5 s queue timeout: "
                    + slowestShed + " ms");
            Map<String, Object> after = backend("queued/slow-ok-queued");
            assertEquals(0, after.get("in_flight"), "no slot leaked: " + after);
            assertEquals(0, after.get("queued"), "nobody left waiting: " + after);
            assertRows(answers, Map.of(200, "queued/slow-ok-queued=success", 503, "queued/slow-ok-queued=skipped_capacity"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaiterGivesUpAtItsQueueTimeoutAndAFullQueueIsRefusedAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Timed> holder = pool.submit(() -> { // holds the only slot until its 4 s first-token deadline
                long t0 = System.nanoTime();
                return new Timed(chat("single-slot"), millisSince(t0));
            });
            await("single-slot/hang", "in_flight", 1);
            Future<Timed> waiter = pool.submit(() -> {
                long t0 = System.nanoTime();
                return new Timed(chat("single-slot"), millisSince(t0));
            });
            await("single-slot/hang", "queued", 1);

            long t0 = System.nanoTime();
            Response full = chat("single-slot");
            assertEquals(503, full.statusCode(), full.asString());
            assertTrue(millisSince(t0) < 1_500, "the queue is full: refused at once, " + millisSince(t0) + " ms");
            assertEquals("1", full.header("retry-after"));
            assertEquals("0", full.header("x-frugal-attempts"));

            Timed waited = waiter.get(10, TimeUnit.SECONDS);
            assertEquals(503, waited.response().statusCode(), waited.response().asString());
            assertTrue(waited.response().asString().contains("at capacity"), waited.response().asString());
            assertEquals("1", waited.response().header("retry-after"));
            assertTrue(waited.millis() >= 1_900 && waited.millis() < 3_900,
                    "gave up at its 2 s queue timeout, before the slot came free: " + waited.millis() + " ms");

            Timed held = holder.get(10, TimeUnit.SECONDS);
            assertEquals(504, held.response().statusCode());
            Map<String, Object> after = backend("single-slot/hang");
            assertEquals(0, after.get("in_flight"), "the waiter that gave up took no slot later: " + after);
            assertEquals(0, after.get("queued"));
            assertEquals(1, upstream.all().size(), "only the holder reached the upstream");

            assertRow(held.response(), "single-slot/hang=timeout");
            assertRow(full, "single-slot/hang=skipped_capacity");
            Map<String, Object> gaveUp = assertRow(waited.response(), "single-slot/hang=skipped_capacity");
            assertTrue(number(gaveUp, "latency_ms") >= 1_900 && number(gaveUp, "latency_ms") <= waited.millis(),
                    "its 2 s in the queue are in its time: " + gaveUp);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientThatLeavesWhileQueuedFreesItsPlaceAtOnceAndNeverTakesASlot() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Future<Response> holder = pool.submit(() -> chat("single-slot"));
            await("single-slot/hang", "in_flight", 1);
            long sent;
            String goneId = "gone-" + UUID.randomUUID();
            try (Socket client = new Socket("127.0.0.1", RestAssured.port)) {
                String body = "{\"model\":\"single-slot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer frg-test-e2e-key\r\nContent-Type: application/json\r\nx-request-id: " + goneId + "\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().flush();
                sent = System.nanoTime();
                await("single-slot/hang", "queued", 1);
            } // the client leaves
            await("single-slot/hang", "queued", 0);
            assertTrue(millisSince(sent) < 1_900, "its place was freed when it left, not at the 2 s queue timeout: "
                    + millisSince(sent) + " ms");

            Response held = holder.get(10, TimeUnit.SECONDS);
            assertEquals(504, held.statusCode());
            Map<String, Object> after = backend("single-slot/hang");
            assertEquals(0, after.get("in_flight"), "the slot the holder gave back was not kept for the gone client: " + after);
            assertEquals(1, upstream.all().size(), "the gone client's request never reached the upstream");

            assertRow(held, "single-slot/hang=timeout");
            // it left while queued: no deployment was called or passed over, so there is no trace
            Map<String, Object> gone = ledger.row(goneId);
            assertOutcome(gone, 499, "client_closed_request", 0, null, false);
            assertEquals(0L, number(gone, "prompt_tokens") + number(gone, "completion_tokens"), "nothing billed: " + gone);
        } finally {
            pool.shutdownNow();
        }
    }
}
