package dev.frugal.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelTraits;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.RequestView;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every candidate filter, table-driven: which deployments a request keeps, which it drops with which
 * {@link DropReason} and detail, and — when none is left — what the request is answered.
 */
@Tag("unit")
class RoutingFiltersTest {

    static final FrugalConfig CONFIG = ConfigCompiler.compile("""
            providers:
              - { name: box, kind: ollama }                                          # local by default
              - { name: cloud, kind: openai, base-url: https://api.example.com/v1 }  # hosted
              - { name: gpu, kind: openai, base-url: http://gpu:8000/v1, local: true }
              - { name: embedder, kind: local }
            models:
              - { name: small, deployments: [{ provider: box, model: small-7b }] }
              - { name: vision, deployments: [{ provider: cloud, model: vision-x }] }
              - { name: big, deployments: [{ provider: gpu, model: big-70b }, { provider: cloud, model: big-hosted }] }
              - { name: minilm, deployments: [{ provider: embedder }] }
            routes:
              - { name: auto, candidates: [small, vision, big] }
              - { name: private, candidates: [small, vision, big], data-policy: local-only }
              - { name: hosted-only, candidates: [vision] }
            rules:
              - { name: narrow-to-auto, when: { teams: [narrow] }, route: auto }
              - { name: outsiders-to-hosted, when: { teams: [outsider] }, route: hosted-only }
            teams:
              - { name: all }
              - { name: secret, data-policy: local-only }
              - { name: narrow, models: [small] }
              - { name: outsider, models: [small] }
            """, v -> null);

    /**
     * What the catalog would say: small can neither call tools nor read images nor promise JSON and has a
     * 4 096-token window; vision can do everything; big reads no images.
     */
    static final Map<String, ModelTraits> TRAITS = Map.of(
            "small-7b", new ModelTraits(false, false, false, 4096, 0.4, "test"),
            "vision-x", new ModelTraits(true, true, true, 128_000, 0.8, "test"),
            "big-70b", new ModelTraits(true, false, true, 32_768, 0.7, "test"),
            "big-hosted", new ModelTraits(true, false, true, 32_768, 0.7, "test"));

    /** Facts with the traits above and the given deployments unavailable. */
    static Facts facts(Map<String, String> unavailable) {
        return new Facts() {
            @Override public long cost(Attempt a) { return RoutePlanner.UNPRICED; }
            @Override public ModelTraits traits(Attempt a) { return TRAITS.getOrDefault(a.deployment().upstreamModel(), ModelTraits.UNKNOWN); }
            @Override public String unavailable(Attempt a) { return unavailable.get(a.deployment().upstreamModel()); }
        };
    }

    static final String PLAIN = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String TOOLS = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}";
    static final String IMAGE = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}";
    static final String SCHEMA = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{}}}}";
    static final String JSON_MODE = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"json_object\"}}";

    /** One row: who asks for what, with which deployments unavailable; what is kept and what is dropped ("upstream reason detail"). */
    record Row(String team, String name, String body, long promptTokens, long outputLimit, Map<String, String> unavailable,
               List<String> kept, List<String> dropped) {}

    static Stream<Arguments> kept() {
        return Stream.of(
                Arguments.of("a plain request keeps every candidate", new Row("all", "auto", PLAIN, 10, -1, Map.of(),
                        List.of("small-7b", "vision-x", "big-70b", "big-hosted"), List.of())),
                Arguments.of("tools: a model that cannot call them is dropped", new Row("all", "auto", TOOLS, 10, -1, Map.of(),
                        List.of("vision-x", "big-70b", "big-hosted"), List.of("small-7b capability tools"))),
                Arguments.of("images: only the model that reads them is kept", new Row("all", "auto", IMAGE, 10, -1, Map.of(),
                        List.of("vision-x"), List.of("small-7b capability images", "big-70b capability images",
                                "big-hosted capability images"))),
                Arguments.of("a JSON schema: a model that cannot promise JSON is dropped", new Row("all", "auto", SCHEMA, 10, -1,
                        Map.of(), List.of("vision-x", "big-70b", "big-hosted"), List.of("small-7b capability json_schema"))),
                Arguments.of("JSON mode alike", new Row("all", "auto", JSON_MODE, 10, -1, Map.of(),
                        List.of("vision-x", "big-70b", "big-hosted"), List.of("small-7b capability json_object"))),
                Arguments.of("context: the estimated prompt plus the output limit must fit the window", new Row("all", "auto", PLAIN,
                        4000, 200, Map.of(), List.of("vision-x", "big-70b", "big-hosted"),
                        List.of("small-7b context_window 4200 > 4096 tokens"))),
                Arguments.of("context: without an output limit the prompt alone must fit", new Row("all", "auto", PLAIN, 4000, -1,
                        Map.of(), List.of("small-7b", "vision-x", "big-70b", "big-hosted"), List.of())),
                Arguments.of("a local-only team keeps its requests on local providers", new Row("secret", "auto", PLAIN, 10, -1,
                        Map.of(), List.of("small-7b", "big-70b"),
                        List.of("vision-x data_policy local-only (team secret)", "big-hosted data_policy local-only (team secret)"))),
                Arguments.of("a local-only route alike, for every team", new Row("all", "private", PLAIN, 10, -1, Map.of(),
                        List.of("small-7b", "big-70b"),
                        List.of("vision-x data_policy local-only (route private)", "big-hosted data_policy local-only (route private)"))),
                Arguments.of("a local-only team calling a model by name", new Row("secret", "big", PLAIN, 10, -1, Map.of(),
                        List.of("big-70b"), List.of("big-hosted data_policy local-only (team secret)"))),
                Arguments.of("health: an open circuit or a failing probe drops a route's candidate", new Row("all", "auto", PLAIN, 10,
                        -1, Map.of("big-70b", "circuit_open", "vision-x", "probe_down"), List.of("small-7b", "big-hosted"),
                        List.of("vision-x unhealthy probe_down", "big-70b unhealthy circuit_open"))),
                Arguments.of("health: a model's own deployments are left to the executor's fallback", new Row("all", "big", PLAIN,
                        10, -1, Map.of("big-70b", "circuit_open"), List.of("big-70b", "big-hosted"), List.of())),
                Arguments.of("capabilities: a model named by the client is not second-guessed", new Row("all", "small", TOOLS,
                        10, -1, Map.of(), List.of("small-7b"), List.of())),
                Arguments.of("team access: a rule's route keeps only what the team may call", new Row("narrow", "anything", PLAIN,
                        10, -1, Map.of(), List.of("small-7b"), List.of("vision team_access narrow", "big team_access narrow"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kept")
    void eachFilterDropsWhatItMustAndSaysWhy(String description, Row row) throws Exception {
        Shortlist s = shortlist(row);
        Plan p = RoutePlanner.plan(s, null, new Random(1));
        assertEquals(row.kept(), p.attempts().stream().map(a -> a.deployment().upstreamModel()).toList(), description);
        List<String> dropped = p.decision().candidates().stream().filter(c -> !c.kept()).map(RoutingFiltersTest::describe).toList();
        assertEquals(row.dropped(), dropped, description);
        assertNull(s.refusal(), "something is kept: nothing to refuse");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("every candidate lacks a capability or is not local: the capability, the furthest filter passed",
                        new Row("secret", "auto", IMAGE, 10, -1, Map.of(), List.of(), List.of()),
                        400, "unsupported_capability", "messages", "No model of the route `auto` supports images."),
                Arguments.of("no window is large enough", new Row("all", "auto", PLAIN, 200_000, 1000, Map.of(), List.of(), List.of()),
                        400, "context_length_exceeded", "messages", "The request's estimated prompt and output limit (201000 tokens) "
                                + "exceed the context window of every model of the route `auto`."),
                Arguments.of("a local-only team and a hosted model", new Row("secret", "vision", PLAIN, 10, -1, Map.of(), List.of(),
                        List.of()), 403, "data_policy", "model", "The model `vision` has no deployment on local hardware, "
                                + "and the data policy of team `secret` is local-only."),
                Arguments.of("a rule cannot widen a team's access", new Row("outsider", "small", PLAIN, 10, -1, Map.of(), List.of(),
                        List.of()), 403, "model_not_allowed", "model", "No model of the route `hosted-only` is open to your team."),
                Arguments.of("every candidate is unavailable now: retry later",
                        new Row("all", "auto", PLAIN, 10, -1, Map.of("small-7b", "circuit_open", "vision-x", "probe_down",
                                "big-70b", "cooling_down", "big-hosted", "circuit_open"), List.of(), List.of()),
                        503, "no_backend_available", null, "All deployments of every model of the route `auto` are unavailable "
                                + "(circuit open, cooling down or failing health probes); retry shortly."),
                Arguments.of("the furthest reason wins: unavailable beats lacking a capability",
                        new Row("all", "auto", IMAGE, 10, -1, Map.of("vision-x", "circuit_open"), List.of(), List.of()),
                        503, "no_backend_available", null, "All deployments of every model of the route `auto` are unavailable "
                                + "(circuit open, cooling down or failing health probes); retry shortly."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void whenNothingIsLeftTheRequestIsRefusedForTheReasonOfTheCandidateThatGotFurthest(String description, Row row, int status,
                                                                                         String code, String param, String message)
            throws Exception {
        Shortlist s = shortlist(row);
        assertTrue(s.isEmpty(), description);
        GatewayError e = s.refusal();
        assertEquals(List.of(status, code, String.valueOf(param), message),
                List.of(e.status(), e.code(), String.valueOf(e.param()), e.getMessage()), description);
        Decision d = RoutePlanner.plan(s, null, new Random(1)).decision();
        assertNull(d.chosen(), "the decision shows no choice");
        assertFalse(d.candidates().isEmpty(), "and every candidate, dropped with why");
        assertTrue(d.compact().contains(": none; dropped:"), d.compact());
    }

    @Test
    void aRuleNamesItselfInTheDecisionAndTheRequestedNameStays() throws Exception {
        Plan p = RoutePlanner.plan(shortlist(new Row("narrow", "gpt-4o", PLAIN, 10, -1, Map.of(), List.of(), List.of())), null,
                new Random(1));
        assertEquals("narrow-to-auto", p.decision().rule());
        assertEquals("auto", p.decision().route());
        assertEquals("gpt-4o", p.decision().requested(), "what the client asked for, even a name the config does not know");
        assertEquals("ordered rule=narrow-to-auto: small [box/small-7b]; dropped: vision [team_access], big [team_access]",
                p.decision().compact());
        for (Attempt a : p.attempts()) assertEquals("auto", a.route());
    }

    @Test
    void aTeamNamingNoRouteAndNoRuleStillGets404ForAnUnknownName() {
        GatewayError e = assertThrows(GatewayError.class,
                () -> shortlist(new Row("all", "gpt-4o", PLAIN, 10, -1, Map.of(), List.of(), List.of())));
        assertEquals(404, e.status());
    }

    @Test
    void embeddingsAreNeverSentByARuleNorFilteredByCapabilities() throws Exception {
        ObjectNode body = (ObjectNode) Json.parse("{\"model\":\"minilm\",\"input\":\"hi\"}");
        RequestView view = RequestView.of(RequestView.Kind.EMBEDDINGS, body, 1, -1);
        TeamConfig narrow = new TeamConfig("narrow", java.util.Set.of(), java.util.Set.of("minilm"));
        Shortlist s = RoutePlanner.shortlist(CONFIG, new Ask("minilm", narrow, null, null, view, "embeddings",
                p -> p.kind() == ProviderKind.LOCAL, false), facts(Map.of()), Strategies.BUILT_IN);
        assertNull(s.route(), "the narrow team's rule is for generation requests");
        assertEquals(List.of("minilm"), s.models());
    }

    // ---- helpers -------------------------------------------------------------------------

    static Shortlist shortlist(Row row) throws Exception {
        ObjectNode body = (ObjectNode) Json.parse(row.body());
        body.put("model", row.name());
        RequestView view = RequestView.of(RequestView.Kind.CHAT, body, row.promptTokens(), row.outputLimit());
        TeamConfig team = CONFIG.teams().get(row.team());
        Ask ask = new Ask(row.name(), team, null, null, view, "chat completions", p -> p.kind() != ProviderKind.LOCAL, false);
        return RoutePlanner.shortlist(CONFIG, ask, facts(row.unavailable()), Strategies.BUILT_IN);
    }

    /** "upstream reason detail", or "model reason detail" for a model dropped whole. */
    static String describe(Candidate c) {
        var d = c.attempt().deployment();
        String who = d == null ? c.model() : d.upstreamModel();
        return who + " " + c.dropped().code() + (c.detail() == null ? "" : " " + c.detail());
    }
}
