package dev.frugal.admin;

import dev.frugal.ledger.Ledger;
import dev.frugal.ledger.LedgerRow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import dev.frugal.testsupport.GatewayTestResource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report doors over HTTP: {@code /admin/reports/usage} (admin key only, every team) and
 * {@code /v1/usage} (a team key, its own team only), on rows recorded through the Ledger bean.
 * The rows sit 40 days back, a day no other test writes to.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class UsageReportsTest {
    static final String ADMIN = "Bearer frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String ALPHA = "Bearer frg-test-alpha-key";
    static final String OTHER = "Bearer frg-test-other-key";
    static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(40);
    static final Instant T = DAY.atTime(10, 15).toInstant(ZoneOffset.UTC);

    @Inject Ledger ledger;
    static boolean seeded;

    @BeforeEach
    void seed() {
        if (seeded) return;
        seeded = true;
        ledger.record(row("u1", "alpha", "k-a", "gpt-test", T, 200, 1_000, 3_000, 100));
        ledger.record(row("u2", "alpha", "k-a", "gpt-test", T.plusSeconds(600), 500, 0, 0, 300));
        ledger.record(row("u3", "alpha", "k-b", "sim-chat", T.plusSeconds(3600), 200, 2_500, 2_000, 50));
        ledger.record(row("u4", "other", "k-o", "other-team-model", T, 200, 7_000_000, 9_000_000, 80));
        assertTrue(ledger.flush(Duration.ofSeconds(10)));
    }

    static LedgerRow row(String id, String team, String key, String model, Instant ts, int status, long cost, long reference, long latency) {
        return new LedgerRow(id, ts, team, key, "chat", model, null, "fake", "fake/" + model, model, status,
                status >= 400 ? "upstream_error" : null, 100, 20, 0, 0, cost, reference, "test", false, false, latency, -1,
                false, false, false, 1, "fake/" + model + "=ok", null, null, Double.NaN, 0, 0, 0, null, -1, null);
    }

    static Response get(String auth, String path) {
        var req = given();
        if (auth != null) req.header("Authorization", auth);
        return req.get(path);
    }

    String range() {
        return "from=" + DAY + "&to=" + DAY;
    }

    @Test
    void theAdminReportNeedsTheAdminKey() {
        get(null, "/admin/reports/usage?" + range()).then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        get(ALPHA, "/admin/reports/usage?" + range()).then().statusCode(401);
    }

    @Test
    void theAdminSeesEveryTeam() {
        get(ADMIN, "/admin/reports/usage?" + range() + "&group_by=team,model&interval=day").then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("object", equalTo("usage_report"))
                .body("interval", equalTo("day"))
                .body("group_by", contains("team", "model"))
                .body("data.team", contains("alpha", "alpha", "other"))
                .body("data.model", contains("gpt-test", "sim-chat", "other-team-model"))
                .body("data[0].requests", equalTo(2))
                .body("data[0].errors", equalTo(1))
                .body("data[0].cost_usd", equalTo(0.001f))
                .body("data[0].savings_usd", equalTo(0.002f))
                .body("data[1].savings_usd", equalTo(-0.0005f))
                .body("data[2].cost_usd", equalTo(7.0f))
                .body("data[2].period", equalTo(DAY.toString()));
        get(ADMIN, "/admin/reports/usage?" + range() + "&team=other").then().statusCode(200)
                .body("data", hasSize(1)).body("data[0].requests", equalTo(1)).body("team", equalTo("other"));
    }

    @Test
    void hourlyAndMonthly() {
        get(ADMIN, "/admin/reports/usage?from=" + DAY + "T00:00:00Z&to=" + DAY + "T23:00:00Z&interval=hour&team=alpha")
                .then().statusCode(200)
                .body("data.period", contains(DAY + "T10:00:00Z", DAY + "T11:00:00Z"))
                .body("data.requests", contains(2, 1))
                .body("data[0].p50_latency_ms", equalTo(200));
        get(ADMIN, "/admin/reports/usage?" + range() + "&interval=month&group_by=provider").then().statusCode(200)
                .body("data.period", contains(DAY.toString().substring(0, 7)))
                .body("data[0].requests", equalTo(4));
    }

    @Test
    void csvWithAHeaderRow() {
        String body = get(ADMIN, "/admin/reports/usage?" + range() + "&group_by=team,key&format=csv").then().statusCode(200)
                .contentType(startsWith("text/csv")).extract().asString();
        List<String> lines = List.of(body.split("\r\n"));
        assertTrue(lines.get(0).startsWith("period,team,key_id,requests,errors,"), lines.get(0));
        assertEquals(DAY + ",alpha,k-a,2,1,200,40,0,0,0.001000,0.003000,0.002000,0,0.000000,0,0,100,290", lines.get(1));
        assertEquals(4, lines.size());
    }

    @Test
    void badParametersAre400WithTheParam() {
        get(ADMIN, "/admin/reports/usage").then().statusCode(400).body("error.param", equalTo("from"))
                .body("error.type", equalTo("invalid_request_error"));
        get(ADMIN, "/admin/reports/usage?" + range() + "&interval=weekly").then().statusCode(400).body("error.param", equalTo("interval"));
        get(ADMIN, "/admin/reports/usage?" + range() + "&format=xml").then().statusCode(400).body("error.param", equalTo("format"));
        get(ADMIN, "/admin/reports/usage?" + range() + "&group_by=team;DROP%20TABLE%20ledger").then().statusCode(400)
                .body("error.param", equalTo("group_by"));
        get(ADMIN, "/admin/reports/usage?from=2026-01-01'%20OR%201=1--").then().statusCode(400).body("error.param", equalTo("from"));
        get(ADMIN, "/admin/reports/usage?" + range() + "&team=alpha'%20OR%20'1'='1").then().statusCode(200).body("data", hasSize(0));
        get(ADMIN, "/admin/reports/usage?" + range()).then().statusCode(200).body("data[0].requests", equalTo(4));
    }

    @Test
    void aTeamKeySeesOnlyItsOwnTeam() {
        get(ALPHA, "/v1/usage?" + range() + "&group_by=team,key").then().statusCode(200)
                .body("team", equalTo("alpha"))
                .body("data.team", everyItem(equalTo("alpha")))
                .body("data.key_id", contains("k-a", "k-b"));
        get(OTHER, "/v1/usage?" + range() + "&group_by=team").then().statusCode(200)
                .body("data.team", contains("other")).body("data[0].cost_usd", equalTo(7.0f));
        get(ALPHA, "/v1/usage?" + range() + "&team=other").then().statusCode(400).body("error.param", equalTo("team"));
        get(null, "/v1/usage?" + range()).then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        get("Bearer frg-test-admin-key-2c5e8a1f9b7d4306", "/v1/usage?" + range()).then().statusCode(401);
        get(ALPHA, "/v1/usage?" + range() + "&format=csv").then().statusCode(200).contentType(startsWith("text/csv"))
                .body(containsString(DAY + ",3,1,300,60,0,0,0.003500,0.005000,0.001500,")).header("x-request-id", startsWith("req_"));
        given().header("Authorization", ALPHA).post("/v1/usage").then().statusCode(405);
    }

    @Test
    void anEmptyReportHasNoRows() {
        get(ALPHA, "/v1/usage?from=2020-01-01&to=2020-01-02").then().statusCode(200).body("data", hasSize(0))
                .body("from", equalTo("2020-01-01T00:00:00Z")).body("team", equalTo("alpha")).body("interval", equalTo("day"))
                .body("group_by", hasSize(0)).body("nothing", nullValue());
    }
}
