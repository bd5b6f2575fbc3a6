package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Money;
import dev.frugal.core.RequestView;
import dev.frugal.routing.Candidate;
import dev.frugal.routing.Decision;
import dev.frugal.routing.RoutePlanner;
import dev.frugal.wire.Json;

import java.util.Locale;

/**
 * A routing {@link Decision} as the explain endpoint shows it (docs/admin-api.md#explain-a-routing-decision):
 * the request as routing read it, the choice, the fallbacks in order, every candidate kept or dropped with
 * why and its scores, the compact form the ledger keeps, and the error the request would get. Pure.
 */
final class DecisionJson {
    private DecisionJson() {}

    /**
     * @param shadow  the route's shadow policy's choice, or null (shown as {@code "shadow": null})
     * @param quality how the qualities were predicted, or null when nothing was predicted
     */
    static ObjectNode of(String team, RequestView view, Decision d, Candidate shadow, QualityScorer.Basis quality,
                         GatewayError refusal) {
        ObjectNode o = Json.object().put("object", "routing.decision").put("team", team);
        ObjectNode req = o.putObject("request").put("model", view.model()).put("estimated_prompt_tokens", view.promptTokens());
        if (view.outputLimit() >= 0) req.put("output_limit", view.outputLimit()); else req.putNull("output_limit");
        ArrayNode needs = req.putArray("needs");
        view.capabilities().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().forEach(needs::add);
        if (d == null) {
            o.putNull("route").putNull("rule").putNull("objective").putNull("choice");
            o.putArray("fallbacks");
            o.putArray("candidates");
            o.putNull("compact");
        } else {
            nullable(o, "route", d.route());
            nullable(o, "rule", d.rule());
            o.put("objective", d.strategy());
            Candidate chosen = d.chosen();
            if (chosen == null) o.putNull("choice"); else o.set("choice", candidate(chosen));
            ArrayNode fallbacks = o.putArray("fallbacks");
            ArrayNode all = o.putArray("candidates");
            for (Candidate c : d.candidates()) {
                if (c.kept() && c != chosen) fallbacks.add(candidate(c));
                all.add(candidate(c));
            }
            o.put("compact", d.compact());
        }
        if (shadow == null) o.putNull("shadow"); else o.set("shadow", candidate(shadow));
        if (quality == null) o.putNull("quality"); else o.set("quality", quality.json());
        if (refusal == null) {
            o.putNull("error");
        } else {
            ObjectNode e = o.putObject("error").put("status", refusal.status()).put("code", refusal.code())
                    .put("message", refusal.getMessage());
            nullable(e, "param", refusal.param());
        }
        return o;
    }

    private static ObjectNode candidate(Candidate c) {
        var d = c.attempt().deployment();
        ObjectNode o = Json.object().put("model", c.model());
        if (d == null) o.putNull("provider").putNull("deployment");
        else o.put("provider", d.provider()).put("deployment", d.upstreamModel() == null ? d.provider() : d.provider() + "/" + d.upstreamModel());
        o.put("kept", c.kept());
        nullable(o, "reason", c.kept() ? null : c.dropped().code());
        nullable(o, "detail", c.detail());
        if (Double.isNaN(c.quality())) o.putNull("predicted_quality");
        else o.put("predicted_quality", Math.round(c.quality() * 10_000) / 10_000.0);
        if (c.costMicros() >= 0) o.set("estimated_cost_usd", DecimalNode.valueOf(Money.usdShort(c.costMicros())));
        else o.putNull("estimated_cost_usd");
        if (c.costMicros() == RoutePlanner.UNSCORED) o.putNull("priced"); // not read: dropped before its price mattered
        else o.put("priced", c.costMicros() != RoutePlanner.UNPRICED);
        if (Double.isNaN(c.firstTokenMs())) o.putNull("first_token_ms");
        else o.put("first_token_ms", Math.round(c.firstTokenMs() * 10) / 10.0);
        return o;
    }

    private static void nullable(ObjectNode o, String field, String value) {
        if (value == null) o.putNull(field); else o.put(field, value);
    }
}
