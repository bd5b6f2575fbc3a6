package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routes of the admin API over the file's: one route compiled as the API receives it (the file's rules,
 * paths relative to the body), shown and stored as JSON, and laid over a snapshot — winning over the
 * file's route of the same name, its resilience section included, and making rules to it count.
 */
@Tag("unit")
class RouteOverlayTest {
    static final String YAML = """
            providers: [{ name: sim, kind: simulator }]
            models:
              - { name: cheap, deployments: [{ provider: sim }] }
              - { name: strong, deployments: [{ provider: sim }] }
            routes:
              - { name: auto, candidates: [strong, cheap], resilience: { retries: 3 } }
            rules:
              - { name: to-auto, when: { header: a }, route: auto }
              - { name: to-api, when: { header: b }, route: api-only }
            """;
    static final FrugalConfig FILE = ConfigCompiler.compile(YAML, v -> null);

    static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFileAloneSkipsARuleWhoseRouteExistsNowhere() {
        RouteOverlay.Result r = RouteOverlay.apply(FILE, Map.of());
        assertEquals(List.of("to-api"), r.skippedRules());
        assertEquals(List.of("to-auto"), r.config().rules().stream().map(RuleConfig::name).toList());
        assertSame(FILE.routes(), r.config().routes());
    }

    @Test
    void anApiRouteIsAddedAndTheRuleToItCounts() {
        RouteOverlay.Result r = RouteOverlay.apply(FILE, Map.of("api-only",
                json("{\"name\":\"api-only\",\"candidates\":[\"cheap\",\"strong\"],\"objective\":\"cheapest\",\"min-quality\":0.6}")));
        RouteConfig api = r.config().route("api-only");
        assertEquals(RouteConfig.Objective.CHEAPEST, api.objective());
        assertEquals(0.6, api.minQuality());
        assertEquals(List.of("to-auto", "to-api"), r.config().rules().stream().map(RuleConfig::name).toList());
        assertEquals(List.of(), r.skippedRules());
        assertEquals(List.of("auto", "api-only"), List.copyOf(r.config().routes().keySet()));
    }

    @Test
    void anApiRouteWinsOverTheFilesOfTheSameNameResilienceIncluded() {
        assertEquals(3, FILE.resilienceFor("auto", "strong", "sim").retries());
        RouteOverlay.Result plain = RouteOverlay.apply(FILE, Map.of("auto", json("{\"name\":\"auto\",\"candidates\":[\"cheap\"]}")));
        assertEquals(List.of("cheap"), plain.config().route("auto").candidates());
        assertEquals(Defaults.RETRIES, plain.config().resilienceFor("auto", "cheap", "sim").retries(), "the file's section is the file route's");
        assertEquals(3, FILE.resilienceFor("auto", "strong", "sim").retries(), "the file's snapshot is left as it was");

        RouteOverlay.Result own = RouteOverlay.apply(FILE, Map.of("auto",
                json("{\"name\":\"auto\",\"candidates\":[\"cheap\"],\"resilience\":{\"retries\":5,\"first-token-timeout\":\"2s\"}}")));
        assertEquals(5, own.config().resilienceFor("auto", "cheap", "sim").retries());
        assertEquals(Duration.ofSeconds(2), own.config().resilienceFor("auto", "cheap", "sim").firstToken());
    }

    @Test
    void aStoredRouteKeepsACandidateTheFileDroppedAndOneNamedLikeAModelIsLeftOut() {
        RouteOverlay.Result r = RouteOverlay.apply(FILE, Map.of(
                "gone", json("{\"name\":\"gone\",\"candidates\":[\"retired-model\",\"cheap\"]}"),
                "cheap", json("{\"name\":\"cheap\",\"candidates\":[\"strong\"]}")));
        assertEquals(List.of("retired-model", "cheap"), r.config().route("gone").candidates(), "routing drops it as unknown_model");
        assertEquals(null, r.config().route("cheap"));
        assertTrue(r.problems().get("cheap").contains("'cheap' is already a model name"), r.problems().toString());
    }

    @Test
    void aRouteShownAsJsonCompilesBackToTheSameRoute() {
        JsonNode body = json("""
                {"name":"ab","objective":"weighted","data-policy":"local-only","created":1700000000,
                 "candidates":[{"model":"cheap","weight":9},{"model":"strong","quality":0.9}],"resilience":{"retries":2}}""");
        RouteConfig once = ConfigCompiler.compileRoute(body, FILE);
        ObjectNode shown = RouteJson.of(once);
        assertEquals(json("""
                {"name":"ab","candidates":[{"model":"cheap","weight":9},{"model":"strong","quality":0.9}],"objective":"weighted",
                 "data-policy":"local-only","created":1700000000,"resilience":{"retries":2}}"""), json(Json.write(shown)));
        assertEquals(once, ConfigCompiler.compileRoute(shown, FILE));

        RouteConfig best = ConfigCompiler.compileRoute(json("{\"name\":\"b\",\"objective\":\"best\",\"max-cost-usd\":0.02,\"candidates\":[\"cheap\"]}"), FILE);
        assertEquals("0.02", RouteJson.of(best).get("max-cost-usd").asText());
        assertEquals(best, ConfigCompiler.compileRoute(RouteJson.of(best), FILE));

        for (String extra : new String[] {"\"cascade\":true", "\"cascade\":{\"buffer-streams\":true}",
                "\"shadow\":{\"objective\":\"cheapest\",\"min-quality\":0.7}", "\"shadow\":{\"objective\":\"best\",\"max-cost-usd\":0.01}"}) {
            RouteConfig r = ConfigCompiler.compileRoute(json("{\"name\":\"c\",\"candidates\":[\"cheap\",\"strong\"]," + extra + "}"), FILE);
            assertTrue(r.cascade() != null || r.shadow() != null, extra);
            assertEquals(r, ConfigCompiler.compileRoute(RouteJson.of(r), FILE), "stored and read back: " + extra);
        }
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"cheap\",\"strnog\"]}", "candidates[1]: unknown model 'strnog' (did you mean 'strong'?)"),
                Arguments.of("{\"name\":\"r\"}", "candidates: is required"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"auto\"]}", "candidates[0]: unknown model 'auto'"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"cheap\"],\"objective\":\"best\",\"min-quality\":0.5}",
                        "min-quality: only for objective 'cheapest' (got 'best')"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"cheap\"],\"objective\":\"cheapest\",\"min-quality\":\"high\"}", "min-quality: must be a number"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"cheap\"],\"objective\":\"smartest\"}",
                        "objective: must be one of ordered, cheapest, best, fastest, weighted"),
                Arguments.of("{\"name\":\"cheap\",\"candidates\":[\"strong\"]}", "name: 'cheap' is already a model name (a route needs a name of its own)"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"cheap\"],\"colour\":\"red\"}", "colour: unknown field"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[{\"model\":\"cheap\",\"weight\":2}]}", "candidates[0].weight: only for objective 'weighted'"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"cheap\"],\"resilience\":{\"retries\":99}}", "resilience.retries: must be between 0 and 10"),
                Arguments.of("{\"name\":\"r\",\"candidates\":[\"cheap\"],\"data-policy\":\"nowhere\"}", "data-policy: must be 'any' or 'local-only', got 'nowhere'"),
                Arguments.of("[1]", "(root): must be a mapping"));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void aBadRouteIsRefusedNamingTheFieldAsInTheBody(String body, String problem) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compileRoute(json(body), FILE));
        assertEquals(problem, e.problems().get(0), e.problems().toString());
    }
}
