package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rules[]}: which requests go to which route, tried in file order. A rule may name a route the
 * file does not define (one made through the admin API); while no such route exists the rule is skipped
 * and {@link ConfigHolder} warns of it ({@link RouteOverlay}), so a rule is not refused for a route that
 * exists only in the database.
 */
final class RulesCompiler {
    private final ConfigReader r;

    RulesCompiler(ConfigReader r) { this.r = r; }

    List<RuleConfig> compile(JsonNode list) {
        List<RuleConfig> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        r.eachMapping(list, "rules", (n, p) -> {
            r.allowOnly(n, p, "name", "when", "route");
            String name = n.has("name") ? r.name(n.get("name"), p + ".name") : p;
            if (name != null && !names.add(name)) r.error(p + ".name", "duplicate rule name '" + name + "'");
            String route = r.name(n.get("route"), p + ".route");
            JsonNode when = n.get("when");
            String wp = p + ".when";
            Set<String> teams = Set.of(), keys = Set.of(), headers = Set.of(), models = Set.of();
            Map<String, String> metadata = Map.of();
            if (when == null || when.isNull()) r.error(wp, "is required (an empty mapping {} matches every request)");
            else if (r.isMap(when, wp)) {
                r.allowOnly(when, wp, "teams", "keys", "header", "metadata", "models");
                teams = values(when.get("teams"), wp + ".teams");
                keys = values(when.get("keys"), wp + ".keys");
                headers = values(when.get("header"), wp + ".header");
                models = values(when.get("models"), wp + ".models");
                metadata = metadata(when.get("metadata"), wp + ".metadata");
            }
            if (name != null && route != null) out.add(new RuleConfig(name, teams, keys, headers, metadata, models, route));
        });
        return List.copyOf(out);
    }

    /** One text or a list of them; absent is empty (any value). */
    private Set<String> values(JsonNode n, String p) {
        if (ConfigReader.isAbsent(n)) return Set.of();
        Set<String> out = new LinkedHashSet<>();
        if (n.isArray()) {
            if (n.isEmpty()) r.error(p, "must name at least one value (leave it out to accept any)");
            for (int i = 0; i < n.size(); i++) {
                String v = r.requiredText(n.get(i), p + "[" + i + "]");
                if (v != null) out.add(v);
            }
        } else {
            String v = r.requiredText(n, p);
            if (v != null) out.add(v);
        }
        return Set.copyOf(out);
    }

    /** {@code {key: value}}, values as text. */
    private Map<String, String> metadata(JsonNode n, String p) {
        if (ConfigReader.isAbsent(n) || !r.isMap(n, p)) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String v = r.requiredText(e.getValue(), p + "." + e.getKey());
            if (v != null) out.put(e.getKey(), v);
        }
        return Map.copyOf(out);
    }
}
