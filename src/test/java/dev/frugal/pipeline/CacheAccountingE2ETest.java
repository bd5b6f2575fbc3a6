package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.ledger.Ledger;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.MetricsPage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static dev.frugal.pipeline.ExactCacheE2ETest.A;
import static dev.frugal.pipeline.ExactCacheE2ETest.B;
import static dev.frugal.pipeline.ExactCacheE2ETest.chat;
import static dev.frugal.pipeline.ExactCacheE2ETest.nonce;
import static dev.frugal.pipeline.ExactCacheE2ETest.post;
import static dev.frugal.pipeline.ExactCacheE2ETest.stored;
import static dev.frugal.testsupport.LedgerRows.number;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact cache's accounting end to end: a hit's ledger row is marked, billed its configured
 * fraction and records the cost saved; {@code /v1/usage} and the metrics show the savings per team;
 * a hit counts against requests per minute; {@code DELETE /admin/cache} purges by team, model or
 * all, and leaves an audit record.
 */
@QuarkusTest
class CacheAccountingE2ETest {
    static final String ADMIN = "Bearer frg-test-admin-key-2c5e8a1f9b7d4306";

    @Inject LedgerRows ledgerRows;
    @Inject Ledger ledger;
    @InjectFakeUpstream FakeUpstream upstream;

    @Test
    void aHitIsBilledItsFractionAndRecordsTheCostItSavedInTheLedgerTheMetricsAndUsage() throws Exception {
        ObjectNode body = chat("cache-priced", nonce()); // 12 output tokens at 1000 µUSD: 12 000 µUSD; hit-cost 0.1
        Usage usageBefore = usage(B);
        MetricsPage before = MetricsPage.scrape();
        Response miss = stored(B, body);
        Response hit = post(B, body);
        assertEquals("hit", hit.header("x-frugal-cache"));
        Map<String, Object> missRow = ledgerRows.row(miss.header("x-request-id"));
        Map<String, Object> hitRow = ledgerRows.row(hit.header("x-request-id"));
        assertEquals(12_000L, number(missRow, "cost_micros"));
        assertEquals(false, missRow.get("cache_hit"));
        assertEquals(0L, number(missRow, "cache_saved_micros"));
        assertEquals(true, hitRow.get("cache_hit"));
        assertEquals(1_200L, number(hitRow, "cost_micros"), "a tenth of the original");
        assertEquals(10_800L, number(hitRow, "cache_saved_micros"));
        assertEquals(number(missRow, "completion_tokens"), number(hitRow, "completion_tokens"), "the tokens of the answer it served");
        assertEquals("cache", hitRow.get("provider"));
        assertEquals(0L, number(hitRow, "attempts"));
        assertEquals(200L, number(hitRow, "status"));

        MetricsPage after = MetricsPage.scrape();
        assertEquals(0.0108, after.value("frugal_cache_savings_usd_total", "team=\"cache-b\"")
                - before.value("frugal_cache_savings_usd_total", "team=\"cache-b\""), 1e-9);
        assertEquals(1, after.value("frugal_cache_requests_total", "team=\"cache-b\"", "result=\"hit\"", "tier=\"memory\"")
                - before.value("frugal_cache_requests_total", "team=\"cache-b\"", "result=\"hit\"", "tier=\"memory\""));
        assertEquals(1, after.value("frugal_cache_requests_total", "team=\"cache-b\"", "model=\"cache-priced\"", "result=\"miss\"")
                - before.value("frugal_cache_requests_total", "team=\"cache-b\"", "model=\"cache-priced\"", "result=\"miss\""));
        assertTrue(after.value("frugal_cache_memory_entries") >= 1);

        Usage usageAfter = usage(B);
        assertEquals(1, usageAfter.hits() - usageBefore.hits());
        assertEquals(0, new BigDecimal("0.010800").compareTo(usageAfter.saved().subtract(usageBefore.saved())), "the saving in /v1/usage");
    }

    @Test
    void aHitCountsAgainstRequestsPerMinute() {
        String limited = "frg-test-cache-limited-key"; // rpm 2
        ObjectNode body = chat("cache-echo", nonce());
        int calls = upstream.all().size();
        assertEquals("miss", stored(limited, body).header("x-frugal-cache"));
        Response hit = post(limited, body);
        assertEquals("hit", hit.header("x-frugal-cache"));
        assertEquals("0", hit.header("x-ratelimit-remaining-requests"), "the hit took the second request of the minute");
        Response third = post(limited, body);
        assertEquals(429, third.statusCode(), third.asString());
        assertEquals("rate_limit_exceeded", third.jsonPath().getString("error.code"));
        assertEquals(calls + 1, upstream.all().size());
    }

    @Test
    void aPurgeRemovesOneTeamsAnswersOneModelsOrAllAndIsAudited() {
        ObjectNode echo = chat("cache-echo", nonce());
        ObjectNode fixture = chat("cache-fixture", nonce()).put("fixture", "chat-basic");
        stored(A, echo);
        stored(B, echo);
        stored(A, fixture);

        JsonPath purged = given().header("Authorization", ADMIN).delete("/admin/cache?team=cache-a&model=cache-echo")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("cache.purged", purged.getString("object"));
        assertEquals(1, purged.getInt("memory_entries"));
        assertNull(purged.get("redis_entries"), "no Redis tier here");
        assertEquals("miss", stored(A, echo).header("x-frugal-cache"), "team a's answer is gone");
        assertEquals("hit", post(B, echo).header("x-frugal-cache"), "team b's stays");
        assertEquals("hit", post(A, fixture).header("x-frugal-cache"), "team a's other models' stay");

        given().header("Authorization", ADMIN).delete("/admin/cache?model=cache-echo").then().statusCode(200);
        assertEquals("miss", stored(B, echo).header("x-frugal-cache"), "a model's purge reaches every team");
        assertEquals("hit", post(A, fixture).header("x-frugal-cache"));

        JsonPath all = given().header("Authorization", ADMIN).delete("/admin/cache").then().statusCode(200).extract().jsonPath();
        assertTrue(all.getInt("memory_entries") >= 2, all.prettify());
        assertEquals("miss", stored(A, fixture).header("x-frugal-cache"));

        JsonPath trail = given().header("Authorization", ADMIN).get("/admin/audit?action=cache.purge&team=cache-a")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("cache-echo", trail.getString("data[0].target"));
        assertEquals(1, trail.getInt("data[0].after.memory_entries"));
        assertTrue(trail.getString("data[0].credential").startsWith("admin-key:"), trail.prettify());
    }

    @Test
    void aPurgeNeedsTheAdminKeyAndNamesWhatItPurges() {
        given().delete("/admin/cache").then().statusCode(401);
        given().header("Authorization", "Bearer " + A).delete("/admin/cache").then().statusCode(401);
        given().header("Authorization", ADMIN).delete("/admin/cache?teams=cache-a").then().statusCode(400)
                .body("error.param", org.hamcrest.Matchers.equalTo("teams"));
        given().header("Authorization", ADMIN).delete("/admin/cache?team=a b").then().statusCode(400)
                .body("error.param", org.hamcrest.Matchers.equalTo("team"));
        given().header("Authorization", ADMIN).delete("/admin/cache?model=x&model=y").then().statusCode(400)
                .body("error.param", org.hamcrest.Matchers.equalTo("model"));
    }

    /** The team's cache hits and savings this month, from {@code /v1/usage}, once every row so far is written. */
    private Usage usage(String key) {
        ledger.flush(Duration.ofSeconds(10));
        String month = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).toString();
        JsonPath p = given().header("Authorization", "Bearer " + key).get("/v1/usage?from=" + month + "&interval=month&group_by=team")
                .then().statusCode(200).extract().jsonPath();
        long hits = 0;
        BigDecimal saved = BigDecimal.ZERO;
        for (int i = 0; i < p.getList("data").size(); i++) {
            hits += p.getLong("data[" + i + "].cache_hits");
            saved = saved.add(new BigDecimal(p.getString("data[" + i + "].cache_savings_usd")));
        }
        return new Usage(hits, saved);
    }

    private record Usage(long hits, BigDecimal saved) {}
}
