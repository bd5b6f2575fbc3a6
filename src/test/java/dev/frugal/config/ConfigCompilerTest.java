package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class ConfigCompilerTest {

    private static final Function<String, String> NO_ENV = name -> null;

    private static final String FULL = """
            server:
              max-body-size: 8MiB
            providers:
              - name: openai
                kind: openai
                base-url: https://api.openai.com/v1/
                api-key: ${OPENAI_API_KEY}
                headers: { OpenAI-Organization: org-123 }
                timeouts: { connect: 250ms, idle: 2m }
              - name: ollama
                kind: openai
                dialect: ollama
                base-url: http://127.0.0.1:${OLLAMA_PORT:11434}/v1
              - name: sim
                kind: simulator
                simulator: { latency: 5ms, time-to-first-token: 1s, tokens-per-second: 50, output-tokens: 12,
                             failure-rate: 0.25, failure-status: 529 }
              - name: in-process
                kind: local
            models:
              - name: gpt-4o-mini
                deployments:
                  - { provider: openai }
                  - { provider: ollama, model: "llama3.2:latest" }
              - name: spread
                strategy: weighted
                deployments:
                  - { provider: openai, model: a, weight: 3 }
                  - { provider: ollama, model: b, weight: 0 }
                  - { provider: sim, model: c }
              - name: demo
                deployments: [{ provider: sim }]
              - name: minilm
                deployments: [{ provider: in-process, model: all-minilm-l6-v2 }]
            teams:
              - name: research
                keys: ["${RESEARCH_KEY}", "frg-second-research-key"]
                models: [gpt-4o-mini, demo]
              - name: everyone
                keys: ["frg-everyone-key-1"]
            """;

    private static final Map<String, String> FULL_ENV = Map.of(
            "OPENAI_API_KEY", "sk-provider-secret-abcdef123456",
            "RESEARCH_KEY", "frg-research-key-from-env");

    // ---- a valid file ---------------------------------------------------------------------

    @Test
    void fullConfigCompilesProviders() {
        FrugalConfig c = ConfigCompiler.compile(FULL, FULL_ENV::get);

        assertEquals(8L * 1024 * 1024, c.server().maxBodyBytes());
        assertEquals(List.of("openai", "ollama", "sim", "in-process"), List.copyOf(c.providers().keySet()));

        ProviderConfig openai = c.provider("openai");
        assertEquals(ProviderKind.OPENAI, openai.kind());
        assertEquals(URI.create("https://api.openai.com/v1"), openai.baseUrl(), "trailing slash dropped");
        assertEquals("sk-provider-secret-abcdef123456", openai.apiKey().reveal());
        assertEquals(Map.of("OpenAI-Organization", "org-123"), openai.headers());
        assertEquals("openai", openai.dialect(), "dialect defaults to openai");
        assertEquals(new ProviderConfig.Timeouts(Duration.ofMillis(250), Duration.ofMinutes(2)), openai.timeouts());

        ProviderConfig ollama = c.provider("ollama");
        assertEquals("ollama", ollama.dialect());
        assertEquals(URI.create("http://127.0.0.1:11434/v1"), ollama.baseUrl());
        assertNull(ollama.apiKey());
        assertEquals(ProviderConfig.Timeouts.DEFAULT, ollama.timeouts());

        ProviderConfig sim = c.provider("sim");
        assertEquals(ProviderKind.SIMULATOR, sim.kind());
        assertNull(sim.baseUrl());
        ProviderConfig.SimulatorSettings s = sim.simulator();
        assertEquals(Duration.ofMillis(5), s.latency());
        assertEquals(Duration.ofSeconds(1), s.timeToFirstToken());
        assertEquals(50, s.tokensPerSecond());
        assertEquals(12, s.outputTokens());
        assertEquals(0.25, s.failureRate());
        assertEquals(529, s.failureStatus());

        ProviderConfig local = c.provider("in-process");
        assertEquals(ProviderKind.LOCAL, local.kind());
        assertEquals("all-minilm-l6-v2", local.localModel(), "local model defaults to the shipped one");
    }

    @Test
    void fullConfigCompilesModelsWithOrderedAndWeightedDeployments() {
        FrugalConfig c = ConfigCompiler.compile(FULL, FULL_ENV::get);

        assertEquals(List.of("gpt-4o-mini", "spread", "demo", "minilm"), List.copyOf(c.models().keySet()));

        ModelConfig ordered = c.model("gpt-4o-mini");
        assertEquals(ModelConfig.Strategy.ORDERED, ordered.strategy());
        assertEquals(List.of(
                new ModelConfig.Deployment("openai", "gpt-4o-mini", 1), // upstream model defaults to the model name
                new ModelConfig.Deployment("ollama", "llama3.2:latest", 1)), ordered.deployments());
        assertEquals("frugal", ordered.ownedBy());

        ModelConfig weighted = c.model("spread");
        assertEquals(ModelConfig.Strategy.WEIGHTED, weighted.strategy());
        assertEquals(List.of(
                new ModelConfig.Deployment("openai", "a", 3),
                new ModelConfig.Deployment("ollama", "b", 0),
                new ModelConfig.Deployment("sim", "c", 1)), weighted.deployments());

        assertEquals("simulator", c.model("demo").ownedBy(), "a model served only by simulators is never a real model");
    }

    @Test
    void teamsHoldOnlySha256HexHashesOfTheirKeys() {
        FrugalConfig c = ConfigCompiler.compile(FULL, FULL_ENV::get);

        TeamConfig research = c.teams().get("research");
        assertEquals(Set.of(sha256Hex("frg-research-key-from-env"), sha256Hex("frg-second-research-key")), research.keyHashes());
        assertEquals(Set.of("gpt-4o-mini", "demo"), research.models());
        TeamConfig everyone = c.teams().get("everyone");
        assertEquals(Set.of(sha256Hex("frg-everyone-key-1")), everyone.keyHashes());
        assertTrue(everyone.models().isEmpty(), "no list means every model");

        assertEquals(3, c.teamsByKeyHash().size());
        assertSame(research, c.teamsByKeyHash().get(sha256Hex("frg-second-research-key")));
        assertSame(everyone, c.teamsByKeyHash().get(sha256Hex("frg-everyone-key-1")));
        for (String h : c.teamsByKeyHash().keySet()) assertTrue(h.matches("[0-9a-f]{64}"), h);
    }

    @Test
    void teamBudgetsLimitsAndReferenceModel() {
        FrugalConfig c = ConfigCompiler.compile("""
                teams:
                  - name: research
                    budget: [{ usd: 500, period: month }, { usd: "20.123456", period: day, mode: soft }]
                    limits: { rpm: 600, tpm: 200000, concurrent: 20 }
                    reference-model: gpt-4o
                  - name: bare
                    keys: [frg-bare-key-1]
                  - name: single
                    budget: { usd: 0.5 }
                """, k -> null);
        TeamConfig research = c.teams().get("research");
        assertEquals(List.of(new Budget(500_000_000L, Budget.Period.MONTH, true), new Budget(20_123_456L, Budget.Period.DAY, false)),
                research.budgets());
        assertEquals(new Limits(600, 200_000, 20), research.limits());
        assertEquals("gpt-4o", research.referenceModel());
        assertTrue(research.keyHashes().isEmpty(), "keys may come from the admin API only");
        TeamConfig bare = c.teams().get("bare");
        assertEquals(List.of(), bare.budgets());
        assertEquals(Limits.NONE, bare.limits());
        assertEquals(null, bare.referenceModel());
        assertEquals(List.of(new Budget(500_000L, Budget.Period.MONTH, true)), c.teams().get("single").budgets(),
                "a single mapping is a monthly hard budget by default");
    }

    @Test
    void budgetPeriodsAreUtcCalendarPeriods() {
        java.time.LocalDate thu = java.time.LocalDate.of(2026, 11, 26);
        assertEquals(java.time.LocalDate.of(2026, 11, 23), Budget.Period.WEEK.start(thu), "weeks start on Monday");
        assertEquals(java.time.LocalDate.of(2026, 11, 30), Budget.Period.WEEK.next(thu));
        assertEquals(java.time.LocalDate.of(2026, 11, 1), Budget.Period.MONTH.start(thu));
        assertEquals(java.time.LocalDate.of(2026, 12, 1), Budget.Period.MONTH.next(thu));
        assertEquals(java.time.LocalDate.of(2026, 11, 27), Budget.Period.DAY.next(thu));
    }

    @Test
    void snapshotNeverShowsClientKeysOrProviderSecrets() {
        String text = ConfigCompiler.compile(FULL, FULL_ENV::get).toString();
        for (String secret : List.of("frg-research-key-from-env", "frg-second-research-key", "frg-everyone-key-1",
                "sk-provider-secret-abcdef123456")) {
            assertFalse(text.contains(secret), "snapshot shows " + secret);
        }
    }

    // ---- interpolation --------------------------------------------------------------------

    static Stream<Arguments> interpolation() {
        return Stream.of(
                Arguments.of("${HOST}", Map.of("HOST", "gpu-1"), "gpu-1"),
                Arguments.of("${HOST:localhost}", Map.of(), "localhost"),
                Arguments.of("${HOST:localhost}", Map.of("HOST", "gpu-1"), "gpu-1"),
                Arguments.of("${HOST}-${PORT:8000}", Map.of("HOST", "gpu-1"), "gpu-1-8000"),
                Arguments.of("a${EMPTY:}b", Map.of(), "ab"),
                Arguments.of("${fake.upstream.port}", Map.of("fake.upstream.port", "4711"), "4711"),
                Arguments.of("${DOLLAR}", Map.of("DOLLAR", "$1\\x"), "$1\\x"),
                Arguments.of("no-variables-here", Map.of(), "no-variables-here"));
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource("interpolation")
    void interpolatesFromTheInjectedEnvironment(String header, Map<String, String> env, String expected) {
        String yaml = """
                providers:
                  - name: p
                    kind: openai
                    base-url: http://127.0.0.1/v1
                    headers: { X-Test: "%s" }
                """.formatted(header);
        assertEquals(expected, ConfigCompiler.compile(yaml, env::get).provider("p").headers().get("X-Test"));
    }

    // ---- problems, each named by its full path --------------------------------------------

    private static final String PROVIDERS = """
            providers:
              - name: ollama
                kind: openai
                base-url: http://127.0.0.1:11434/v1
            """;

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of("unknown provider, with a suggestion", PROVIDERS + """
                        models:
                          - name: llama
                            deployments: [{ provider: olama }]
                        """, "models[0].deployments[0].provider: unknown provider 'olama' (did you mean 'ollama'?)"),
                Arguments.of("unknown provider, nothing close", PROVIDERS + """
                        models:
                          - name: llama
                            deployments: [{ provider: anthropic }]
                        """, "models[0].deployments[0].provider: unknown provider 'anthropic'"),
                Arguments.of("unknown field, with a suggestion", """
                        providers:
                          - name: ollama
                            kind: openai
                            base-url: http://127.0.0.1:11434/v1
                            api_key: x
                        """, "providers[0].api_key: unknown field (did you mean 'api-key'?)"),
                Arguments.of("unknown top-level section", "provider: []\n",
                        "provider: unknown field (did you mean 'providers'?)"),
                Arguments.of("unknown field in a deployment", PROVIDERS + """
                        models:
                          - name: llama
                            deployments: [{ provider: ollama, wieght: 2 }]
                        """, "models[0].deployments[0].wieght: unknown field (did you mean 'weight'?)"),
                Arguments.of("unknown kind", """
                        providers:
                          - { name: claude, kind: antropic }
                        """, "providers[0].kind: unknown kind 'antropic' (known: openai, anthropic, gemini, ollama, azure, local, simulator)"),
                Arguments.of("missing kind", """
                        providers:
                          - { name: claude }
                        """, "providers[0].kind: is required"),
                Arguments.of("unknown dialect", """
                        providers:
                          - { name: p, kind: openai, base-url: "http://h/v1", dialect: olama }
                        """, "providers[0].dialect: unknown dialect 'olama' (known: deepseek, groq, llamacpp, lmstudio, "
                        + "mistral, ollama, openai, together, vllm)"),
                Arguments.of("duration without unit", """
                        providers:
                          - { name: p, kind: openai, base-url: "http://h/v1", timeouts: { connect: 5 } }
                        """, "providers[0].timeouts.connect: must be a duration such as 250ms, 5s or 2m"),
                Arguments.of("duration with a spelled-out unit", """
                        providers:
                          - { name: s, kind: simulator, simulator: { latency: 2 seconds } }
                        """, "providers[0].simulator.latency: must be a duration such as 250ms, 5s or 2m"),
                Arguments.of("duration too large for a long", """
                        providers:
                          - { name: p, kind: openai, base-url: "http://h/v1", timeouts: { idle: 99999999999999999999s } }
                        """, "providers[0].timeouts.idle: must be a duration such as 250ms, 5s or 2m"),
                Arguments.of("duration too large for java.time.Duration", """
                        providers:
                          - { name: p, kind: openai, base-url: "http://h/v1", timeouts: { idle: 9999999999999999h } }
                        """, "providers[0].timeouts.idle: must be a duration such as 250ms, 5s or 2m"),
                Arguments.of("URL with another scheme", """
                        providers:
                          - { name: p, kind: openai, base-url: "ftp://h/v1" }
                        """, "providers[0].base-url: must be an http:// or https:// URL with a host"),
                Arguments.of("URL without a host", """
                        providers:
                          - { name: p, kind: openai, base-url: "localhost:8000" }
                        """, "providers[0].base-url: must be an http:// or https:// URL with a host"),
                Arguments.of("URL that does not parse", """
                        providers:
                          - { name: p, kind: openai, base-url: "http://exa mple.com/v1" }
                        """, "providers[0].base-url: not a valid URL"),
                Arguments.of("missing URL", """
                        providers:
                          - { name: p, kind: openai }
                        """, "providers[0].base-url: is required"),
                Arguments.of("URL on a kind that has none", """
                        providers:
                          - { name: s, kind: simulator, base-url: "http://h/v1" }
                        """, "providers[0].base-url: not used by kind 'simulator'"),
                Arguments.of("body size too large for a long", "server: { max-body-size: 99999999999999999999 }\n",
                        "server.max-body-size: must be between 1KiB and 1GiB"),
                Arguments.of("body size that overflows when multiplied", "server: { max-body-size: 17179869185GiB }\n",
                        "server.max-body-size: must be between 1KiB and 1GiB"),
                Arguments.of("duplicate provider name", """
                        providers:
                          - { name: p, kind: simulator }
                          - { name: p, kind: simulator }
                        """, "providers[1].name: duplicate provider name 'p'"),
                Arguments.of("duplicate model name", PROVIDERS + """
                        models:
                          - { name: m, deployments: [{ provider: ollama }] }
                          - { name: m, deployments: [{ provider: ollama }] }
                        """, "models[1].name: duplicate model name 'm'"),
                Arguments.of("duplicate team name", """
                        teams:
                          - { name: t, keys: [frg-key-one-1] }
                          - { name: t, keys: [frg-key-two-2] }
                        """, "teams[1].name: duplicate team name 't'"),
                Arguments.of("same key in two teams", """
                        teams:
                          - { name: a, keys: [frg-shared-key] }
                          - { name: b, keys: [frg-own-key-b, frg-shared-key] }
                        """, "teams[1].keys[1]: the same key is already listed at teams[0]"),
                Arguments.of("short key", """
                        teams:
                          - { name: a, keys: [short] }
                        """, "teams[0].keys[0]: a key must have at least 8 characters"),
                Arguments.of("budget without amount", """
                        teams:
                          - { name: a, budget: { period: day } }
                        """, "teams[0].budget.usd: is required"),
                Arguments.of("negative budget", """
                        teams:
                          - { name: a, budget: { usd: -5 } }
                        """, "teams[0].budget.usd: must not be negative"),
                Arguments.of("budget with an unknown period", """
                        teams:
                          - { name: a, budget: { usd: 5, period: year } }
                        """, "teams[0].budget.period: must be one of day, week, month"),
                Arguments.of("budget with an unknown mode", """
                        teams:
                          - { name: a, budget: { usd: 5, mode: strict } }
                        """, "teams[0].budget.mode: must be hard (reject) or soft (alert only)"),
                Arguments.of("two budgets for one period", """
                        teams:
                          - { name: a, budget: [{ usd: 5, period: day }, { usd: 9, period: day }] }
                        """, "teams[0].budget[1].period: a budget for this period is already set"),
                Arguments.of("budget in a typo'd field", """
                        teams:
                          - { name: a, budget: { usd: 5, perod: day } }
                        """, "teams[0].budget.perod: unknown field (did you mean 'period'?)"),
                Arguments.of("fractional rate limit", """
                        teams:
                          - { name: a, limits: { rpm: 1.5 } }
                        """, "teams[0].limits: rpm, tpm and concurrent must be whole numbers"),
                Arguments.of("negative rate limit", """
                        teams:
                          - { name: a, limits: { tpm: -1 } }
                        """, "teams[0].limits.tpm: must be between 0 and 1000000000000"),
                Arguments.of("missing environment variable", """
                        providers:
                          - { name: p, kind: openai, base-url: "http://h/v1", api-key: "${OPENAI_API_KEY}" }
                        """, "providers[0].api-key: environment variable OPENAI_API_KEY is not set"),
                Arguments.of("missing environment variable in a list", """
                        teams:
                          - { name: a, keys: ["frg-ok-key-1", "${RESEARCH_KEY}"] }
                        """, "teams[0].keys[1]: environment variable RESEARCH_KEY is not set"),
                Arguments.of("team names an unknown model", PROVIDERS + """
                        models:
                          - { name: llama, deployments: [{ provider: ollama }] }
                        teams:
                          - { name: a, keys: [frg-key-one-1], models: [lama] }
                        """, "teams[0].models[0]: unknown model 'lama' (did you mean 'llama'?)"),
                Arguments.of("model without deployments", "models:\n  - { name: m }\n", "models[0].deployments: is required"),
                Arguments.of("weight out of range", PROVIDERS + """
                        models:
                          - { name: m, deployments: [{ provider: ollama, weight: -1 }] }
                        """, "models[0].deployments[0].weight: must be between 0 and 1000000"),
                Arguments.of("unknown strategy", PROVIDERS + """
                        models:
                          - { name: m, strategy: random, deployments: [{ provider: ollama }] }
                        """, "models[0].strategy: must be 'ordered' or 'weighted', got 'random'"),
                Arguments.of("weighted with nothing to draw", PROVIDERS + """
                        models:
                          - { name: m, strategy: weighted, deployments: [{ provider: ollama, weight: 0 }] }
                        """, "models[0].deployments: weighted strategy needs at least one deployment with weight > 0"),
                Arguments.of("invalid name", """
                        providers:
                          - { name: "bad name", kind: simulator }
                        """, "providers[0].name: 'bad name' is not a valid name (letters, digits and . _ : / @ -, at most 128)"),
                Arguments.of("providers is not a list", "providers: { name: p }\n", "providers: must be a list"),
                Arguments.of("route candidate unknown, with a suggestion", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model, strong-modl] }
                        """, "routes[0].candidates[1]: unknown model 'strong-modl' (did you mean 'strong-model'?)"),
                Arguments.of("route named like a model", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: cheap-model, candidates: [strong-model] }
                        """, "routes[0].name: 'cheap-model' is already a model name (a route needs a name of its own)"),
                Arguments.of("unknown route objective", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], objective: smartest }
                        """, "routes[0].objective: must be one of ordered, cheapest, best, fastest, weighted"),
                Arguments.of("min-quality on a route that is not cheapest", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], objective: best, min-quality: 0.5 }
                        """, "routes[0].min-quality: only for objective 'cheapest' (got 'best')"),
                Arguments.of("min-quality beyond 1", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], objective: cheapest, min-quality: 70 }
                        """, "routes[0].min-quality: must be between 0 and 1"),
                Arguments.of("max-cost-usd on a route that is not best", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], objective: cheapest, max-cost-usd: 0.01 }
                        """, "routes[0].max-cost-usd: only for objective 'best' (got 'cheapest')"),
                Arguments.of("a weight on a route that is not weighted", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [{ model: cheap-model, weight: 3 }] }
                        """, "routes[0].candidates[0].weight: only for objective 'weighted'"),
                Arguments.of("a cascade that is neither a flag nor a mapping", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], cascade: always }
                        """, "routes[0].cascade: must be true, false or a mapping {buffer-streams}"),
                Arguments.of("an unknown field in a cascade", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], cascade: { buffer-stream: true } }
                        """, "routes[0].cascade.buffer-stream: unknown field (did you mean 'buffer-streams'?)"),
                Arguments.of("a shadow without an objective", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], shadow: { min-quality: 0.5 } }
                        """, "routes[0].shadow.objective: is required"),
                Arguments.of("a shadow's min-quality on an objective that reads none", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], shadow: { objective: best, min-quality: 0.5 } }
                        """, "routes[0].shadow.min-quality: only for objective 'cheapest' (got 'best')"),
                Arguments.of("a weighted route with nothing to draw", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, objective: weighted, candidates: [{ model: cheap-model, weight: 0 }] }
                        """, "routes[0].candidates: a weighted route needs at least one candidate with weight > 0"),
                Arguments.of("unknown data policy", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], data-policy: on-prem }
                        """, "routes[0].data-policy: must be 'any' or 'local-only', got 'on-prem'"),
                Arguments.of("a hosted kind marked local", """
                        providers:
                          - { name: claude, kind: anthropic, api-key: k, local: true }
                        """, "providers[0].local: kind 'anthropic' is a hosted service, never on your own hardware"),
                Arguments.of("a model quality beyond 1", PROVIDERS + """
                        models:
                          - { name: m, quality: 1336, deployments: [{ provider: ollama }] }
                        """, "models[0].quality: must be between 0 and 1"),
                Arguments.of("an unknown capability", PROVIDERS + """
                        models:
                          - { name: m, capabilities: { audio: true }, deployments: [{ provider: ollama }] }
                        """, "models[0].capabilities.audio: unknown field"),
                Arguments.of("a rule without conditions", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model] }
                        rules:
                          - { route: auto }
                        """, "rules[0].when: is required (an empty mapping {} matches every request)"),
                Arguments.of("a rule with an unknown condition", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model] }
                        rules:
                          - { when: { team: interns }, route: auto }
                        """, "rules[0].when.team: unknown field (did you mean 'teams'?)"),
                Arguments.of("route without candidates", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [] }
                        """, "routes[0].candidates: must name at least one model"),
                Arguments.of("route candidate listed twice", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model, cheap-model] }
                        """, "routes[0].candidates[1]: model 'cheap-model' is already a candidate"),
                Arguments.of("duplicate route", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model] }
                          - { name: auto, candidates: [strong-model] }
                        """, "routes[1].name: duplicate route name 'auto'"),
                Arguments.of("bad route resilience", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model], resilience: { first-token-timeout: soon } }
                        """, "routes[0].resilience.first-token-timeout: must be a duration such as 250ms, 5s or 2m"),
                Arguments.of("team lists an unknown route", PROVIDERS + """
                        models:
                          - { name: cheap-model, deployments: [{ provider: ollama }] }
                          - { name: strong-model, deployments: [{ provider: ollama }] }
                        routes:
                          - { name: auto, candidates: [cheap-model] }
                        teams:
                          - { name: t, models: [autp] }
                        """, "teams[0].models[0]: unknown model 'autp' (did you mean 'auto'?)"),
                Arguments.of("root is not a mapping", "- a\n- b\n", "(root): must be a mapping"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void reportsEachProblemWithItsFullPath(String name, String yaml, String expected) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compile(yaml, NO_ENV));
        assertTrue(e.problems().contains(expected), () -> "expected <" + expected + "> in " + e.problems());
        assertTrue(e.getMessage().contains(expected));
    }

    @Test
    void invalidYamlIsOneProblem() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConfigCompiler.compile("providers:\n  - name: [unclosed\n", NO_ENV));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("not valid YAML: "), e.problems().get(0));
    }

    @Test
    void reportsEveryProblemAtOnceInFileOrder() {
        String yaml = """
                providers:
                  - { name: ollama, kind: openai, base-url: "http://127.0.0.1:11434/v1", timeouts: { idle: soon } }
                  - { name: claude, kind: antropic }
                models:
                  - { name: llama, deployments: [{ provider: olama }] }
                teams:
                  - { name: a, keys: [short], models: [lama] }
                """;
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compile(yaml, NO_ENV));
        assertEquals(List.of(
                "providers[0].timeouts.idle: must be a duration such as 250ms, 5s or 2m",
                "providers[1].kind: unknown kind 'antropic' (known: openai, anthropic, gemini, ollama, azure, local, simulator)",
                "models[0].deployments[0].provider: unknown provider 'olama' (did you mean 'ollama'?)",
                "teams[0].keys[0]: a key must have at least 8 characters",
                "teams[0].models[0]: unknown model 'lama' (did you mean 'llama'?)"), e.problems());
    }

    @Test
    void problemsNeverQuoteAClientKey() {
        String yaml = """
                teams:
                  - { name: a, keys: [frg-shared-key, tiny-k] }
                  - { name: b, keys: [frg-shared-key] }
                """;
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compile(yaml, NO_ENV));
        assertEquals(2, e.problems().size(), e.problems()::toString);
        assertFalse(e.getMessage().contains("frg-shared-key"));
        assertFalse(e.getMessage().contains("tiny-k"));
    }

    @Test
    void withDiscoveryOnATeamMayListAModelOnlyDiscoveryProvides() {
        String yaml = """
                providers:
                  - { name: gpu-box, kind: ollama, discover-models: true }
                models:
                  - { name: llama, deployments: [{ provider: gpu-box, model: "llama3.2:latest" }] }
                teams:
                  - { name: a, keys: [frg-key-0001], models: [llama, "qwen3:8b"] }
                """;
        FrugalConfig c = ConfigCompiler.compile(yaml, NO_ENV);
        assertEquals(Set.of("llama", "qwen3:8b"), c.teams().get("a").models());
        assertTrue(c.provider("gpu-box").discoverModels());
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConfigCompiler.compile(yaml.replace("discover-models: true", "discover-models: false"), NO_ENV));
        assertEquals(List.of("teams[0].models[1]: unknown model 'qwen3:8b'"), e.problems());
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- routes ---------------------------------------------------------------------------

    @Test
    void aRoutesResilienceLayersOverEachCandidatesOwnSettings() {
        FrugalConfig c = ConfigCompiler.compile("""
                resilience: { retries: 2, total-timeout: 5m }
                providers:
                  - { name: box, kind: simulator, resilience: { first-token-timeout: 20s, breaker-failures: 9 } }
                  - { name: other, kind: simulator }
                models:
                  - name: reasoner
                    resilience: { first-token-timeout: 3m, max-concurrent: 2 }
                    deployments: [{ provider: box }, { provider: other }]
                  - name: chat
                    deployments: [{ provider: box }]
                routes:
                  - name: auto
                    candidates: [reasoner, chat]
                    objective: cheapest
                    resilience: { first-token-timeout: 5s, retries: 0 }
                  - { name: plain, candidates: [chat] }
                teams:
                  - { name: t, models: [auto] }
                """, NO_ENV);
        RouteConfig auto = c.route("auto");
        assertEquals(List.of("reasoner", "chat"), auto.candidates());
        assertEquals(RouteConfig.Objective.CHEAPEST, auto.objective());
        assertEquals(RouteConfig.Objective.ORDERED, c.route("plain").objective(), "ordered is the default");
        assertEquals(Set.of("auto"), c.teams().get("t").models(), "a team may name a route");

        ResilienceSettings onBox = c.resilienceFor("auto", "reasoner", "box");
        assertEquals(Duration.ofSeconds(5), onBox.firstToken(), "the route's own");
        assertEquals(0, onBox.retries(), "the route's own");
        assertEquals(2, onBox.maxConcurrent(), "the model's underneath");
        assertEquals(9, onBox.breakerFailures(), "the provider's underneath");
        assertEquals(Duration.ofMinutes(5), onBox.total(), "the top level underneath");
        assertEquals(2, c.resilienceFor("auto", "reasoner", "other").maxConcurrent());
        assertEquals(Duration.ofSeconds(5), c.resilienceFor("auto", "chat", "box").firstToken());
        assertEquals(0, c.resilienceFor("auto", "chat", "box").maxConcurrent(), "chat has no model section");

        assertEquals(c.resilienceFor("reasoner", "box"), c.resilienceFor(null, "reasoner", "box"), "no route: the model's");
        assertEquals(c.resilienceFor("chat", "box"), c.resilienceFor("plain", "chat", "box"), "a route without a section");
        assertEquals(Duration.ofMinutes(3), c.resilienceFor("reasoner", "box").firstToken(), "the model alone is unchanged");
    }
    // ---- the routing policy ---------------------------------------------------------------

    @Test
    void theRoutingPolicyCompilesObjectivesCandidateSettingsDataPoliciesTraitsAndRules() {
        FrugalConfig c = ConfigCompiler.compile("""
                providers:
                  - { name: vllm, kind: openai, base-url: http://gpu:8000/v1, dialect: vllm, local: true }
                  - { name: hosted, kind: openai, base-url: https://api.openai.com/v1 }
                  - { name: box, kind: ollama }
                  - { name: remote-ollama, kind: ollama, base-url: https://ollama.example.com, local: false }
                  - { name: claude, kind: anthropic, api-key: k }
                models:
                  - name: llama
                    quality: 0.55
                    context-window: 8192
                    capabilities: { tools: false, vision: false }
                    deployments: [{ provider: vllm }]
                  - { name: gpt, deployments: [{ provider: hosted }] }
                routes:
                  - name: thrifty
                    objective: cheapest
                    min-quality: 0.7
                    candidates: [llama, { model: gpt, quality: 0.9 }]
                  - { name: capped, objective: best, max-cost-usd: 0.02, candidates: [llama, gpt] }
                  - { name: quick, objective: fastest, candidates: [llama, gpt] }
                  - name: ab
                    objective: weighted
                    data-policy: local-only
                    candidates: [{ model: llama, weight: 9 }, { model: gpt, weight: 1 }]
                  - { name: tiered, cascade: true, shadow: { objective: cheapest, min-quality: 0.8 }, candidates: [llama, gpt] }
                  - { name: streamed, cascade: { buffer-streams: true }, candidates: [llama, gpt] }
                  - { name: flat, cascade: false, candidates: [llama, gpt] }
                rules:
                  - name: interns
                    when: { teams: [interns, trainees], models: [gpt] }
                    route: thrifty
                  - when: { header: fast, keys: key_abc, metadata: { tier: free } }
                    route: quick
                teams:
                  - { name: interns, data-policy: local-only }
                  - { name: staff }
                """, NO_ENV);
        assertTrue(c.provider("vllm").local(), "an OpenAI-compatible server says so itself");
        assertFalse(c.provider("hosted").local(), "an OpenAI-compatible server is not local by default");
        assertTrue(c.provider("box").local(), "ollama is local by default");
        assertFalse(c.provider("remote-ollama").local(), "unless it says otherwise");
        assertFalse(c.provider("claude").local());

        assertEquals(new ModelTraits(false, false, null, 8192, 0.55, "config"), c.model("llama").traits());
        assertSame(ModelTraits.UNKNOWN, c.model("gpt").traits());

        RouteConfig thrifty = c.route("thrifty");
        assertEquals(RouteConfig.Objective.CHEAPEST, thrifty.objective());
        assertEquals(0.7, thrifty.minQuality());
        assertEquals(List.of("llama", "gpt"), thrifty.candidates());
        assertEquals(Map.of("gpt", 0.9), thrifty.quality());
        assertEquals(20_000, c.route("capped").maxCostMicros());
        assertTrue(Double.isNaN(c.route("capped").minQuality()));
        assertEquals(-1, thrifty.maxCostMicros());
        assertEquals(RouteConfig.Objective.FASTEST, c.route("quick").objective());
        RouteConfig ab = c.route("ab");
        assertEquals(9, ab.weight("llama"));
        assertEquals(1, ab.weight("gpt"));
        assertEquals(DataPolicy.LOCAL_ONLY, ab.dataPolicy());
        assertNull(ab.cascade());
        assertNull(ab.shadow());
        assertEquals(new RouteConfig.Cascade(false), c.route("tiered").cascade());
        assertEquals(new RouteConfig.Shadow(RouteConfig.Objective.CHEAPEST, 0.8, -1), c.route("tiered").shadow());
        assertEquals(RouteConfig.Objective.CHEAPEST, c.route("tiered").asShadow().objective());
        assertEquals(0.8, c.route("tiered").asShadow().minQuality());
        assertEquals(new RouteConfig.Cascade(true), c.route("streamed").cascade());
        assertNull(c.route("flat").cascade());
        assertEquals(DataPolicy.ANY, thrifty.dataPolicy());

        assertEquals(2, c.rules().size());
        RuleConfig first = c.rules().get(0);
        assertEquals("interns", first.name());
        assertEquals(Set.of("interns", "trainees"), first.teams());
        assertEquals(Set.of("gpt"), first.models());
        assertEquals("thrifty", first.route());
        RuleConfig second = c.rules().get(1);
        assertEquals("rules[1]", second.name(), "an unnamed rule is named by its place");
        assertEquals(Set.of("fast"), second.headers());
        assertEquals(Set.of("key_abc"), second.keys());
        assertEquals(Map.of("tier", "free"), second.metadata());

        assertEquals(DataPolicy.LOCAL_ONLY, c.teams().get("interns").dataPolicy());
        assertEquals(DataPolicy.ANY, c.teams().get("staff").dataPolicy());
    }
}
