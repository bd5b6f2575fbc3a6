package dev.frugal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.ledger.ReportQuery.Dimension;
import dev.frugal.ledger.ReportQuery.Interval;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's JSON shape and its CSV (RFC 4180 quoting, CRLF, exact dollars). */
@Tag("unit")
class ReportFormatTest {
    final ReportQuery query = new ReportQuery(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-29T00:00:00Z"),
            Interval.DAY, List.of(Dimension.TEAM, Dimension.KEY), null);
    final List<ReportRow> rows = List.of(
            new ReportRow("2026-11-27", List.of("alpha", "k1"), 3, 1, 300, 60, 10, 5, 3_000, 5_500, 2, 1, 0, 4_250, 175, 285),
            new ReportRow("2026-11-28", List.of("a,b \"quoted\"", ""), 1, 0, 1, 1, 0, 0, 1_000_007, 0, 0, 0, 1, 0, 40, 49),
            new ReportRow("2026-11-28", List.of("=cmd()", "line\nbreak"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1));

    @Test
    void json() throws Exception {
        String text = Json.write(ReportFormat.json(query, rows));
        assertTrue(text.contains("\"cost_usd\":0.003000,"), "exact decimals with six places: " + text);
        JsonNode root = Json.parse(text);
        assertEquals("usage_report", root.get("object").asText());
        assertEquals("2026-11-01T00:00:00Z", root.get("from").asText());
        assertEquals("2026-11-29T00:00:00Z", root.get("to").asText());
        assertEquals("day", root.get("interval").asText());
        assertEquals("[\"team\",\"key\"]", root.get("group_by").toString());
        JsonNode first = root.get("data").get(0);
        assertEquals("2026-11-27", first.get("period").asText());
        assertEquals("alpha", first.get("team").asText());
        assertEquals("k1", first.get("key_id").asText());
        assertEquals(3, first.get("requests").asLong());
        assertEquals(0, new java.math.BigDecimal("0.003000").compareTo(first.get("cost_usd").decimalValue()), "cost_usd");
        assertEquals(0, new java.math.BigDecimal("0.005500").compareTo(first.get("reference_cost_usd").decimalValue()), "reference_cost_usd");
        assertEquals(0, new java.math.BigDecimal("0.002500").compareTo(first.get("savings_usd").decimalValue()), "savings_usd");
        assertEquals(2, first.get("cache_hits").asLong());
        assertEquals(0, new java.math.BigDecimal("0.004250").compareTo(first.get("cache_savings_usd").decimalValue()), "cache_savings_usd");
        assertEquals(175, first.get("p50_latency_ms").asLong());
        JsonNode second = root.get("data").get(1);
        assertTrue(second.get("key_id").isNull(), "no key id → null");
        assertEquals(0, new java.math.BigDecimal("1.000007").compareTo(second.get("cost_usd").decimalValue()), "cost_usd");
        assertEquals(0, new java.math.BigDecimal("-1.000007").compareTo(second.get("savings_usd").decimalValue()), "savings_usd");
        assertTrue(root.get("data").get(2).get("p95_latency_ms").isNull());
    }

    @Test
    void csv() {
        String csv = ReportFormat.csv(query, rows);
        String[] lines = csv.split("\r\n", -1);
        assertEquals("period,team,key_id,requests,errors,prompt_tokens,completion_tokens,cached_tokens,reasoning_tokens,"
                + "cost_usd,reference_cost_usd,savings_usd,cache_hits,cache_savings_usd,unpriced_requests,estimated_requests,"
                + "p50_latency_ms,p95_latency_ms",
                lines[0]);
        assertEquals("2026-11-27,alpha,k1,3,1,300,60,10,5,0.003000,0.005500,0.002500,2,0.004250,1,0,175,285", lines[1]);
        assertEquals("2026-11-28,\"a,b \"\"quoted\"\"\",,1,0,1,1,0,0,1.000007,0.000000,-1.000007,0,0.000000,0,1,40,49", lines[2]);
        assertTrue(csv.contains("2026-11-28,'=cmd(),\"line\nbreak\",0,"), "formula neutralised, line break quoted: " + csv);
        assertTrue(csv.endsWith(",,\r\n"), "no percentile without requests");
    }
}
