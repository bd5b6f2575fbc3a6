package dev.frugal.pipeline;

import dev.frugal.config.Database;
import dev.frugal.ledger.Ledger;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.MetricsPage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission and metering end to end: budgets and rate limits under 200 concurrent requests, one
 * ledger row per request with its cost, savings and attempts, and a stream whose client leaves
 * billed for what was relayed.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class MeteringE2ETest {
    static final String METERED = "frg-test-metered-key";
    static final String UNPRICED = "frugal_unpriced_requests_total";
    /** {@code gen_ai.client.token.usage} in base unit {@code {token}}, as Prometheus names its samples. */
    static final String TOKEN_USAGE_COUNT = "gen_ai_client_token_usage_count", TOKEN_USAGE_SUM = "gen_ai_client_token_usage_sum";

    @Inject Ledger ledger;
    @Inject Database database;
    @Inject LedgerRows ledgerRows;

    @Test
    void twoHundredConcurrentRequestsAgainstABudgetForTenDispatchAtMostTen() throws Exception {
        // each request reserves its worst case: 10 output tokens × 1000 µUSD; the budget is $0.10
        List<Response> answers = concurrently(200, () -> given().header("Authorization", "Bearer frg-test-budget-key")
                .contentType("application/json")
                .body("{\"model\":\"priced-sim\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions"));
        long served = answers.stream().filter(r -> r.statusCode() == 200).count();
        assertTrue(served <= 10 && served >= 1, "dispatched: " + served);
        for (Response r : answers) {
            if (r.statusCode() == 200) continue;
            assertEquals(429, r.statusCode(), r.asString());
            assertEquals("budget_exceeded", r.jsonPath().getString("error.code"));
            assertEquals("false", r.header("x-should-retry"), "SDKs must not retry an exhausted budget");
        }
        assertTrue(ledger.flush(Duration.ofSeconds(10)));
        long spent = queryLong("SELECT COALESCE(SUM(cost_micros), 0) FROM ledger WHERE team = ?", "budgeted");
        assertEquals(served * 10_000, spent, "each served request cost its 10 tokens");
        assertTrue(spent <= 100_000, "the spend never exceeds the budget: " + spent);
        assertEquals(200, queryLong("SELECT COUNT(*) FROM ledger WHERE team = ?", "budgeted"), "one row per request, refused ones too");
    }

    @Test
    void rateLimitIsExactUnderTwoHundredConcurrentRequests() throws Exception {
        long started = System.nanoTime();
        List<Response> answers = concurrently(200, () -> given().header("Authorization", "Bearer frg-test-limited-key")
                .contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions"));
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        // 10 per minute: a bucket of 10 that refills one every 6 s while the test runs
        assertTrue(ok >= 10 && ok <= 10 + seconds / 6, "admitted " + ok + " in " + seconds + " s");
        Response refused = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertEquals("rate_limit_exceeded", refused.jsonPath().getString("error.code"));
        assertNotNull(refused.header("Retry-After"));
        assertEquals("10", refused.header("x-ratelimit-limit-requests"));
        assertEquals("0", refused.header("x-ratelimit-remaining-requests"));
        assertNotNull(refused.header("x-ratelimit-reset-requests"));
        Response admitted = answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        assertEquals("10", admitted.header("x-ratelimit-limit-requests"), "admitted answers carry the limits too");
        assertNotNull(admitted.header("x-ratelimit-remaining-requests"));
    }

    @Test
    void aKeysOwnLimitsAndBudgetApplyBesideItsTeams() throws Exception {
        String key = given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306").contentType("application/json")
                .body("{\"name\":\"per-key\",\"limits\":{\"rpm\":2}}")
                .post("/admin/teams/metered/keys").then().statusCode(201).extract().jsonPath().getString("key");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(given().header("Authorization", "Bearer " + key).contentType("application/json")
                    .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").statusCode());
        }
        assertEquals(List.of(200, 200, 429), statuses, "the key's own rpm of 2");
        given().header("Authorization", "Bearer " + METERED).contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200); // the team's other key is not limited by it

        String budgeted = given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306").contentType("application/json")
                .body("{\"name\":\"tiny-budget\",\"budget\":{\"usd\":0.015,\"period\":\"day\"}}")
                .post("/admin/teams/metered/keys").then().statusCode(201).extract().jsonPath().getString("key");
        String priced = "{\"model\":\"priced-sim\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        given().header("Authorization", "Bearer " + budgeted).contentType("application/json").body(priced)
                .post("/v1/chat/completions").then().statusCode(200); // $0.01 of $0.015
        Response over = given().header("Authorization", "Bearer " + budgeted).contentType("application/json").body(priced)
                .post("/v1/chat/completions");
        assertEquals(429, over.statusCode(), over.asString());
        assertEquals("budget_exceeded", over.jsonPath().getString("error.code"));
    }

    @Test
    void everyRequestHasOneLedgerRowWithItsCostSavingsAndAttempts() throws Exception {
        Response r = given().header("Authorization", "Bearer " + METERED).contentType("application/json")
                .body("{\"model\":\"gpt-4o-mini-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals("metered", row.get("team"));
        assertTrue(((String) row.get("key_id")).startsWith("cfg_"), "a non-secret key id: " + row.get("key_id"));
        assertEquals("chat", row.get("endpoint"));
        assertEquals("gpt-4o-mini-test", row.get("requested_model"));
        assertEquals("fake", row.get("provider"));
        assertEquals("fake/gpt-4o-mini", row.get("deployment"));
        assertEquals(200, ((Number) row.get("status")).intValue());
        assertEquals(5L, ((Number) row.get("prompt_tokens")).longValue());
        assertEquals(2L, ((Number) row.get("completion_tokens")).longValue());
        // gpt-4o-mini: $0.15 in, $0.60 out per million → 5×0.15 + 2×0.6 = 1.95 µUSD → 2 (half up)
        assertEquals(2L, ((Number) row.get("cost_micros")).longValue());
        // gpt-4o (the team's reference): $2.50 in, $10 out → 12.5 + 20 = 32.5 → 33
        assertEquals(33L, ((Number) row.get("reference_cost_micros")).longValue());
        assertTrue(((String) row.get("price_version")).startsWith("catalog-"), String.valueOf(row.get("price_version")));
        assertEquals(false, row.get("unpriced"));
        assertEquals(false, row.get("estimated"));
        assertEquals(false, row.get("streamed"));
        assertEquals(1, ((Number) row.get("attempts")).intValue());
        assertEquals("fake/gpt-4o-mini=success", row.get("attempt_log"));
        assertNull(row.get("error_code"));
        for (Object v : row.values()) assertFalse(String.valueOf(v).contains(METERED), "no key in the ledger");
    }

    @Test
    void anUnpricedModelIsFlaggedNotSilentlyFree() throws Exception {
        MetricsPage before = MetricsPage.scrape();
        Response r = given().header("Authorization", "Bearer " + METERED).contentType("application/json")
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .post("/v1/chat/completions");
        assertEquals(200, r.statusCode());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(true, row.get("unpriced"));
        assertEquals(0L, ((Number) row.get("cost_micros")).longValue());
        assertNull(row.get("price_version"));
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("frugal_unpriced_requests_total{model=\"gpt-test\""), "the unpriced request is counted");
        assertEquals(1, new MetricsPage(metrics).value(UNPRICED, "model=\"gpt-test\"") - before.value(UNPRICED, "model=\"gpt-test\""),
                "this request, not an earlier one");
    }

    @Test
    void aFailedRequestHasItsRowWithTheErrorCodeAndTheAttempts() throws Exception {
        Response r = given().header("Authorization", "Bearer " + METERED).contentType("application/json")
                .body("{\"model\":\"fixture\",\"fixture\":\"error-500\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .post("/v1/chat/completions");
        assertEquals(502, r.statusCode(), r.asString());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(502, ((Number) row.get("status")).intValue());
        assertEquals(r.jsonPath().getString("error.code"), row.get("error_code"));
        assertEquals(Integer.parseInt(r.header("x-frugal-attempts")), ((Number) row.get("attempts")).intValue());
        assertTrue(((String) row.get("attempt_log")).startsWith("fake/fixture=upstream_error"), (String) row.get("attempt_log"));
        assertEquals(0L, ((Number) row.get("prompt_tokens")).longValue());
    }

    @Test
    void aStreamWhoseClientLeavesIsBilledForWhatWasRelayed() throws Exception {
        // the upstream sends "tick " every 50 ms and reports no usage; the client reads a few and leaves
        HttpURLConnection c = (HttpURLConnection) URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                + "/v1/chat/completions").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Authorization", "Bearer " + METERED);
        c.setRequestProperty("Content-Type", "application/json");
        c.getOutputStream().write(("{\"model\":\"fixture\",\"fixture\":\"slow-stream\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"tick for me\"}]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, c.getResponseCode());
        String requestId = c.getHeaderField("x-request-id");
        InputStream in = c.getInputStream();
        byte[] buf = new byte[8192];
        int events = 0;
        StringBuilder seen = new StringBuilder();
        while (events < 6) {
            int n = in.read(buf);
            if (n < 0) break;
            String s = new String(buf, 0, n, StandardCharsets.UTF_8);
            seen.append(s);
            events = seen.toString().split("\"tick \"", -1).length - 1;
        }
        c.disconnect(); // the client leaves mid-stream
        Map<String, Object> row = ledgerRows.row(requestId);
        assertEquals(499, ((Number) row.get("status")).intValue());
        assertEquals(true, row.get("client_disconnected"));
        assertEquals("client_closed_request", row.get("error_code"), "the same code as a client that left while queued");
        assertEquals(true, row.get("streamed"));
        assertEquals(true, row.get("estimated"), "counted by the gateway, not reported by the upstream");
        long completion = ((Number) row.get("completion_tokens")).longValue();
        assertTrue(completion >= events, "at least the " + events + " ticks read were billed: " + completion);
        assertTrue(((Number) row.get("prompt_tokens")).longValue() > 0, "the prompt is estimated too");
        assertTrue(((Number) row.get("ttft_ms")).longValue() >= 0);
    }

    @Test
    void genAiMetricsCarryTheirStandardAttributes() {
        MetricsPage before = MetricsPage.scrape();
        given().header("Authorization", "Bearer " + METERED).contentType("application/json")
                .body("{\"model\":\"gpt-4o-mini-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("gen_ai_client_token_usage"), "token usage histogram");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("gen_ai_client_token_usage") && l.contains("gen_ai_token_type=\"input\"")
                && l.contains("gen_ai_operation_name=\"chat\"") && l.contains("gen_ai_provider_name=\"fake\"")
                && l.contains("gen_ai_request_model=\"gpt-4o-mini-test\"")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("frugal_cost_usd_total") && l.contains("team=\"metered\"")), "cost by team");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("frugal_savings_usd_total") && l.contains("team=\"metered\"")), "savings by team");
        assertFalse(metrics.contains("cfg_"), "key ids are never tags");
        // the series above may come from earlier tests: this request must have moved them
        MetricsPage after = new MetricsPage(metrics);
        String[] input = {"gen_ai_token_type=\"input\"", "gen_ai_operation_name=\"chat\"", "gen_ai_provider_name=\"fake\"",
                "gen_ai_request_model=\"gpt-4o-mini-test\"", "team=\"metered\""};
        assertEquals(1, after.value(TOKEN_USAGE_COUNT, input) - before.value(TOKEN_USAGE_COUNT, input), "one request's input tokens");
        assertEquals(5, after.value(TOKEN_USAGE_SUM, input) - before.value(TOKEN_USAGE_SUM, input), "5 prompt tokens");
        // 2 µUSD (see everyRequestHasOneLedgerRowWithItsCostSavingsAndAttempts), 33 on the reference model
        String[] metered = {"model=\"gpt-4o-mini-test\"", "team=\"metered\""};
        assertEquals(0.000_002, after.value("frugal_cost_usd_total", metered) - before.value("frugal_cost_usd_total", metered), 1e-12);
        assertEquals(0.000_031, after.value("frugal_savings_usd_total", metered) - before.value("frugal_savings_usd_total", metered), 1e-12);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static <T> List<T> concurrently(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Future<T>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) fs.add(pool.submit(() -> { go.await(); return call.call(); }));
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private long queryLong(String sql, String param) throws Exception {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
