package dev.frugal.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.Money;
import dev.frugal.wire.Json;

import java.util.Locale;

/**
 * A route as JSON with the keys of {@code routes[]} in the file ({@code name, candidates, objective,
 * min-quality, max-cost-usd, data-policy, created, resilience, cascade, shadow}): how the admin API shows a route and how
 * the database stores one. The inverse of {@link ConfigCompiler#compileRoute}: compiling it again gives
 * the same route. Fields at their default are written too, except the optional ones that are unset. Pure.
 */
public final class RouteJson {
    private RouteJson() {}

    public static ObjectNode of(RouteConfig route) {
        ObjectNode o = Json.object().put("name", route.name());
        ArrayNode candidates = o.putArray("candidates");
        for (String m : route.candidates()) {
            Integer weight = route.weights().get(m);
            Double quality = route.quality().get(m);
            if (weight == null && quality == null) {
                candidates.add(m);
                continue;
            }
            ObjectNode c = candidates.addObject().put("model", m);
            if (weight != null) c.put("weight", weight);
            if (quality != null) c.put("quality", quality);
        }
        o.put("objective", route.objective().name().toLowerCase(Locale.ROOT));
        if (!Double.isNaN(route.minQuality())) o.put("min-quality", route.minQuality());
        if (route.maxCostMicros() >= 0) o.put("max-cost-usd", Money.usdShort(route.maxCostMicros()));
        o.put("data-policy", route.dataPolicy().id());
        o.put("created", route.created());
        if (route.resilience() != null) o.set("resilience", route.resilience().deepCopy());
        if (route.cascade() != null) {
            if (route.cascade().bufferStreams()) o.putObject("cascade").put("buffer-streams", true);
            else o.put("cascade", true);
        }
        if (route.shadow() != null) {
            ObjectNode shadow = o.putObject("shadow").put("objective", route.shadow().objective().name().toLowerCase(Locale.ROOT));
            if (!Double.isNaN(route.shadow().minQuality())) shadow.put("min-quality", route.shadow().minQuality());
            if (route.shadow().maxCostMicros() >= 0) shadow.put("max-cost-usd", Money.usdShort(route.shadow().maxCostMicros()));
        }
        return o;
    }
}
