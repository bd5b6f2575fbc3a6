package dev.frugal.ledger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.Money;
import dev.frugal.ledger.ReportQuery.Dimension;
import dev.frugal.wire.Json;

import java.util.List;

/**
 * Writes a usage report as JSON ({@code {"object":"usage_report",…,"data":[…]}}) or CSV (RFC 4180:
 * a header row, CRLF line ends, fields quoted when they hold a comma, quote or line break). Dollars
 * are exact decimals with six places, made from integer micro-USD. Pure; no I/O.
 */
public final class ReportFormat {
    /** The fields of each row after the period and the group-by dimensions, in CSV column order. */
    static final List<String> FIELDS = List.of("requests", "errors", "prompt_tokens", "completion_tokens", "cached_tokens",
            "reasoning_tokens", "cost_usd", "reference_cost_usd", "savings_usd", "cache_hits", "cache_savings_usd",
            "unpriced_requests", "estimated_requests", "p50_latency_ms", "p95_latency_ms");

    private ReportFormat() {}

    public static ObjectNode json(ReportQuery q, List<ReportRow> rows) {
        ObjectNode root = Json.object().put("object", "usage_report").put("from", q.from().toString()).put("to", q.to().toString())
                .put("interval", q.interval().wire());
        ArrayNode groupBy = root.putArray("group_by");
        q.groupBy().forEach(d -> groupBy.add(d.wire()));
        if (q.team() != null) root.put("team", q.team());
        ArrayNode data = root.putArray("data");
        for (ReportRow r : rows) {
            ObjectNode o = data.addObject().put("period", r.period());
            for (int i = 0; i < q.groupBy().size(); i++) {
                String v = r.group().get(i);
                Dimension d = q.groupBy().get(i);
                if (d == Dimension.KEY && v.isEmpty()) o.putNull(d.field()); else o.put(d.field(), v);
            }
            o.put("requests", r.requests()).put("errors", r.errors()).put("prompt_tokens", r.promptTokens())
                    .put("completion_tokens", r.completionTokens()).put("cached_tokens", r.cachedTokens())
                    .put("reasoning_tokens", r.reasoningTokens())
                    .put("cost_usd", Money.usd(r.costMicros()))
                    .put("reference_cost_usd", Money.usd(r.referenceCostMicros()))
                    .put("savings_usd", Money.usd(r.savingsMicros()))
                    .put("cache_hits", r.cacheHits()).put("cache_savings_usd", Money.usd(r.cacheSavedMicros()))
                    .put("unpriced_requests", r.unpricedRequests())
                    .put("estimated_requests", r.estimatedRequests());
            if (r.p50LatencyMs() < 0) o.putNull("p50_latency_ms"); else o.put("p50_latency_ms", r.p50LatencyMs());
            if (r.p95LatencyMs() < 0) o.putNull("p95_latency_ms"); else o.put("p95_latency_ms", r.p95LatencyMs());
        }
        return root;
    }

    /** The report's JSON with, per route that has a shadow policy, what it would have cost against what was spent. */
    public static ObjectNode json(ReportQuery q, List<ReportRow> rows, List<Reports.ShadowRow> shadow) {
        ObjectNode root = json(q, rows);
        ArrayNode out = root.putArray("shadow");
        for (Reports.ShadowRow r : shadow) {
            out.addObject().put("route", r.route()).put("requests", r.requests()).put("priced_requests", r.priced())
                    .put("cost_usd", Money.usd(r.costMicros())).put("shadow_cost_usd", Money.usd(r.shadowCostMicros()))
                    .put("shadow_savings_usd", Money.usd(r.costMicros() - r.shadowCostMicros()));
        }
        return root;
    }

    public static String csv(ReportQuery q, List<ReportRow> rows) {
        StringBuilder out = new StringBuilder();
        out.append("period");
        for (Dimension d : q.groupBy()) out.append(',').append(d.field());
        for (String f : FIELDS) out.append(',').append(f);
        out.append("\r\n");
        for (ReportRow r : rows) {
            out.append(field(r.period()));
            for (String g : r.group()) out.append(',').append(field(g));
            out.append(',').append(r.requests()).append(',').append(r.errors()).append(',').append(r.promptTokens())
                    .append(',').append(r.completionTokens()).append(',').append(r.cachedTokens()).append(',').append(r.reasoningTokens())
                    .append(',').append(Money.usd(r.costMicros()).toPlainString())
                    .append(',').append(Money.usd(r.referenceCostMicros()).toPlainString())
                    .append(',').append(Money.usd(r.savingsMicros()).toPlainString())
                    .append(',').append(r.cacheHits()).append(',').append(Money.usd(r.cacheSavedMicros()).toPlainString())
                    .append(',').append(r.unpricedRequests()).append(',').append(r.estimatedRequests())
                    .append(',').append(r.p50LatencyMs() < 0 ? "" : Long.toString(r.p50LatencyMs()))
                    .append(',').append(r.p95LatencyMs() < 0 ? "" : Long.toString(r.p95LatencyMs()))
                    .append("\r\n");
        }
        return out.toString();
    }

    /**
     * One CSV field: quoted (with inner quotes doubled) when it holds a comma, quote or line break.
     * A field starting with {@code = + - @} or a tab is prefixed with {@code '} so spreadsheets do not
     * run it as a formula (team and model names come from admins, but keys and names are text).
     */
    static String field(String v) {
        if (v == null) return "";
        String s = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
