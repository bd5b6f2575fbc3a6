package dev.frugal.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.RuleConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.RequestView;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which rule a request matches, table-driven: by team, key, header, metadata, requested model; in order, all conditions. */
@Tag("unit")
class RulesTest {

    static final FrugalConfig CONFIG = ConfigCompiler.compile("""
            providers: [{ name: sim, kind: simulator }]
            models: [{ name: m, deployments: [{ provider: sim }] }]
            routes:
              - { name: r1, candidates: [m] }
              - { name: r2, candidates: [m] }
            rules:
              - { name: by-team, when: { teams: [interns, trainees] }, route: r1 }
              - { name: by-key, when: { keys: key_0123 }, route: r1 }
              - { name: by-header, when: { header: [fast, quick] }, route: r2 }
              - { name: by-metadata, when: { metadata: { tier: free, app: chat } }, route: r2 }
              - { name: by-team-and-model, when: { teams: staff, models: [gpt-4o] }, route: r1 }
              - { name: catch-all-of-ops, when: { teams: ops }, route: r2 }
              - { name: never-reached, when: { teams: ops }, route: r1 }
            """, v -> null);

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("a listed team", "trainees", null, null, "{}", "anything", "by-team"),
                Arguments.of("a team not listed, nothing else", "staff", null, null, "{}", "anything", null),
                Arguments.of("a key id", "staff", "key_0123", null, "{}", "anything", "by-key"),
                Arguments.of("another key id", "staff", "key_9999", null, "{}", "anything", null),
                Arguments.of("one of the header's values", "staff", null, "quick", "{}", "anything", "by-header"),
                Arguments.of("a header value not listed", "staff", null, "slow", "{}", "anything", null),
                Arguments.of("every metadata entry", "staff", null, null, "{\"tier\":\"free\",\"app\":\"chat\",\"x\":1}", "a", "by-metadata"),
                Arguments.of("one metadata entry only", "staff", null, null, "{\"tier\":\"free\"}", "anything", null),
                Arguments.of("metadata of another value", "staff", null, null, "{\"tier\":\"paid\",\"app\":\"chat\"}", "a", null),
                Arguments.of("team and model both", "staff", null, null, "{}", "gpt-4o", "by-team-and-model"),
                Arguments.of("the team without the model", "staff", null, null, "{}", "gpt-4o-mini", null),
                Arguments.of("the first rule that matches wins", "ops", null, null, "{}", "anything", "catch-all-of-ops"),
                Arguments.of("an earlier rule wins over a later one", "interns", null, "fast", "{}", "anything", "by-team"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void theFirstRuleWhoseEveryConditionHoldsMatches(String description, String team, String keyId, String header, String metadata,
                                                     String model, String expected) throws Exception {
        RuleConfig matched = Rules.match(CONFIG.rules(), ask(team, keyId, header, metadata, model, RequestView.Kind.CHAT));
        assertEquals(expected, matched == null ? null : matched.name(), description);
    }

    @Test
    void rulesNeverSendEmbeddingsNorARequestKnownOnlyByName() throws Exception {
        assertNull(Rules.match(CONFIG.rules(), ask("interns", null, null, "{}", "m", RequestView.Kind.EMBEDDINGS)));
        assertNull(Rules.match(CONFIG.rules(), Ask.of("m", new TeamConfig("interns", Set.of(), Set.of()), "chat completions", p -> true)));
    }

    static Ask ask(String team, String keyId, String header, String metadata, String model, RequestView.Kind kind) throws Exception {
        ObjectNode body = (ObjectNode) Json.parse("{\"model\":\"" + model + "\",\"messages\":[],\"metadata\":" + metadata + "}");
        RequestView view = RequestView.of(kind, body, 1, -1);
        return new Ask(model, new TeamConfig(team, Set.of(), Set.of()), keyId, header, view, "chat completions", p -> true, false);
    }
}
