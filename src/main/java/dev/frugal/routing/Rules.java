package dev.frugal.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.RuleConfig;
import dev.frugal.core.RequestView;

import java.util.List;
import java.util.Map;

/**
 * Which of {@code rules[]} a request matches: the first, in order, whose every condition holds (docs/routing.md#rules).
 * Rules choose among routes for generation requests (chat, completions), never for embeddings. Pure.
 */
final class Rules {
    private Rules() {}

    /** The first rule that {@code ask} matches, or null; none when the request itself is unknown ({@link Ask#view()} null). */
    static RuleConfig match(List<RuleConfig> rules, Ask ask) {
        if (rules.isEmpty() || ask.view() == null || ask.view().kind() == RequestView.Kind.EMBEDDINGS) return null;
        for (RuleConfig rule : rules) if (matches(rule, ask)) return rule;
        return null;
    }

    static boolean matches(RuleConfig rule, Ask ask) {
        return accepts(rule.teams(), ask.team().name())
                && accepts(rule.keys(), ask.keyId())
                && accepts(rule.headers(), ask.routeHeader())
                && accepts(rule.models(), ask.name())
                && holds(rule.metadata(), ask.view() == null ? null : ask.view().body().get("metadata"));
    }

    /** An empty set accepts anything, absent included; otherwise the value must be one of them. */
    private static boolean accepts(java.util.Set<String> accepted, String value) {
        return accepted.isEmpty() || value != null && accepted.contains(value);
    }

    /** Every entry is in the request's {@code metadata} object with that text value. */
    private static boolean holds(Map<String, String> wanted, JsonNode metadata) {
        if (wanted.isEmpty()) return true;
        if (metadata == null || !metadata.isObject()) return false;
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            JsonNode v = metadata.get(e.getKey());
            if (v == null || !v.isValueNode() || !e.getValue().equals(v.asText())) return false;
        }
        return true;
    }
}
