package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.KeyHash;
import dev.frugal.core.Price;
import dev.frugal.wire.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles the text of {@code frugal.yaml} into a {@link FrugalConfig}: interpolates
 * {@code ${VAR}} / {@code ${VAR:default}}, checks every field, and reports every problem with
 * the full path of the bad field ({@code models[2].deployments[0].provider: unknown provider 'olama'}).
 * Stateless; the environment lookup is injected so tests need no real variables.
 */
public final class ConfigCompiler {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
    /** OpenAI-compatible server families with known quirks (docs/configuration.md). */
    public static final Set<String> DIALECTS = Set.of("openai", "deepseek", "vllm", "llamacpp", "lmstudio",
            "ollama", "groq", "mistral", "together");
    public static final Set<String> LOCAL_MODELS = Set.of("all-minilm-l6-v2");
    /** Prompt tokens per second of a {@code gpu} deployment, as a multiple of its output tokens per second, when not given. */
    public static final int GPU_INPUT_SPEEDUP = 10;
    /** Base URLs used when a hosted provider's config gives none. */
    private static final Map<ProviderKind, String> DEFAULT_URLS = Map.of(
            ProviderKind.ANTHROPIC, "https://api.anthropic.com",
            ProviderKind.GEMINI, "https://generativelanguage.googleapis.com",
            ProviderKind.OLLAMA, "http://127.0.0.1:11434");

    private final Function<String, String> env;
    private final List<String> errors = new ArrayList<>();

    private ConfigCompiler(Function<String, String> env) { this.env = env; }

    /** Compiles or throws {@link InvalidConfigException} listing every problem found. */
    public static FrugalConfig compile(String yaml, Function<String, String> env) {
        return new ConfigCompiler(env).run(yaml);
    }

    private FrugalConfig run(String yaml) {
        if (yaml.isBlank()) throw new InvalidConfigException(List.of("(root): the file is empty"));
        JsonNode root;
        try {
            root = Json.parseYaml(yaml);
        } catch (IOException e) {
            throw new InvalidConfigException(List.of("not valid YAML: " + firstLine(e.getMessage())));
        }
        if (root == null || root.isMissingNode() || root.isNull()) root = JsonNodeFactory.instance.objectNode();
        if (!root.isObject()) throw new InvalidConfigException(List.of("(root): must be a mapping"));
        root = interpolate(root, "");
        allowOnly(root, "", "server", "providers", "models", "routes", "teams", "resilience", "pricing");

        ServerSettings server = server(root.path("server"));
        ResilienceSettings resilience = resilience(root.get("resilience"), "resilience", ResilienceSettings.DEFAULT);
        Map<String, ResilienceSettings> providerResilience = new HashMap<>();
        Map<String, ProviderConfig> providers = providers(root.path("providers"), resilience, providerResilience);
        Map<String, Map<String, ResilienceSettings>> modelResilience = new HashMap<>();
        Map<String, ModelConfig> models = models(root.path("models"), providers, resilience, providerResilience, modelResilience);
        Map<String, Map<String, Map<String, ResilienceSettings>>> routeResilience = new HashMap<>();
        Map<String, RouteConfig> routes = routes(root.path("routes"), models, resilience, providerResilience, modelResilience,
                routeResilience);
        Map<String, TeamConfig> teams = new LinkedHashMap<>();
        Map<String, TeamConfig> byKey = new HashMap<>();
        boolean discovery = providers.values().stream().anyMatch(ProviderConfig::discoverModels);
        Set<String> callable = new LinkedHashSet<>(models.keySet());
        callable.addAll(routes.keySet());
        teams(root.path("teams"), callable, discovery, teams, byKey);
        PricingSettings pricing = pricing(root.get("pricing"));
        if (!errors.isEmpty()) throw new InvalidConfigException(errors);
        return new FrugalConfig(server, Collections.unmodifiableMap(providers), Collections.unmodifiableMap(models),
                Collections.unmodifiableMap(teams), Map.copyOf(byKey), resilience, Map.copyOf(providerResilience),
                Map.copyOf(modelResilience), pricing, Collections.unmodifiableMap(routes), Map.copyOf(routeResilience));
    }

    // ---- sections -------------------------------------------------------------------------

    private ServerSettings server(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return new ServerSettings(ServerSettings.DEFAULT_MAX_BODY_BYTES, ServerSettings.DEFAULT_MAX_IN_FLIGHT);
        }
        if (!isMap(n, "server")) return null;
        allowOnly(n, "server", "max-body-size", "max-in-flight");
        long max = size(n.get("max-body-size"), "server.max-body-size", ServerSettings.DEFAULT_MAX_BODY_BYTES);
        int inFlight = (int) number(n.get("max-in-flight"), "server.max-in-flight", ServerSettings.DEFAULT_MAX_IN_FLIGHT, 0, 10_000_000);
        return new ServerSettings(max, inFlight);
    }

    /** A {@code resilience} section; absent fields keep {@code base}'s values. */
    private ResilienceSettings resilience(JsonNode n, String p, ResilienceSettings base) {
        if (n == null || n.isNull()) return base;
        if (!isMap(n, p)) return base;
        allowOnly(n, p, "retries", "backoff", "max-backoff", "max-retry-after", "retry-budget", "breaker-failures",
                "breaker-cooldown", "max-concurrent", "first-token-timeout", "total-timeout",
                "probe-interval", "breaker-failure-ratio", "breaker-window", "max-queue", "queue-timeout");
        return new ResilienceSettings(
                (int) number(n.get("retries"), p + ".retries", base.retries(), 0, 10),
                duration(n.get("backoff"), p + ".backoff", base.backoff()),
                duration(n.get("max-backoff"), p + ".max-backoff", base.maxBackoff()),
                duration(n.get("max-retry-after"), p + ".max-retry-after", base.maxRetryAfter()),
                number(n.get("retry-budget"), p + ".retry-budget", base.retryBudget(), 0, 1),
                (int) number(n.get("breaker-failures"), p + ".breaker-failures", base.breakerFailures(), 1, 1000),
                duration(n.get("breaker-cooldown"), p + ".breaker-cooldown", base.breakerCooldown()),
                (int) number(n.get("max-concurrent"), p + ".max-concurrent", base.maxConcurrent(), 0, 1_000_000),
                duration(n.get("first-token-timeout"), p + ".first-token-timeout", base.firstToken()),
                duration(n.get("total-timeout"), p + ".total-timeout", base.total()),
                duration(n.get("probe-interval"), p + ".probe-interval", base.probeInterval()),
                number(n.get("breaker-failure-ratio"), p + ".breaker-failure-ratio", base.breakerFailureRatio(), 0.01, 1),
                (int) number(n.get("breaker-window"), p + ".breaker-window", base.breakerWindow(), 2, 10_000),
                (int) number(n.get("max-queue"), p + ".max-queue", base.maxQueue(), 0, 1_000_000),
                duration(n.get("queue-timeout"), p + ".queue-timeout", base.queueTimeout()));
    }

    private Map<String, ProviderConfig> providers(JsonNode list, ResilienceSettings defaults, Map<String, ResilienceSettings> own) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        if (!isList(list, "providers", true)) return out;
        for (int i = 0; i < list.size(); i++) {
            String p = "providers[" + i + "]";
            JsonNode n = list.get(i);
            if (!isMap(n, p)) continue;
            allowOnly(n, p, "name", "kind", "base-url", "api-key", "headers", "dialect", "timeouts", "simulator", "model",
                    "api-version", "default-max-tokens", "discover-models", "resilience", "probe-url");
            String name = name(n.get("name"), p + ".name");
            String kindText = requiredText(n.get("kind"), p + ".kind");
            ProviderKind kind = null;
            if (kindText != null) {
                kind = ProviderKind.of(kindText).orElse(null);
                if (kind == null) error(p + ".kind", "unknown kind '" + kindText + "' (known: " + ProviderKind.known() + ")");
            }
            URI baseUrl = null;
            URI probeUrl = null;
            String dialect = null;
            ProviderConfig.SimulatorSettings sim = null;
            String localModel = null;
            boolean http = kind != null && kind != ProviderKind.LOCAL && kind != ProviderKind.SIMULATOR;
            if (http) {
                baseUrl = n.has("base-url") || !DEFAULT_URLS.containsKey(kind)
                        ? url(n.get("base-url"), p + ".base-url") : URI.create(DEFAULT_URLS.get(kind));
                if (n.has("probe-url")) probeUrl = probeUrl(n.get("probe-url"), p + ".probe-url", baseUrl);
            } else if (kind != null) {
                for (String f : List.of("base-url", "api-key", "probe-url")) {
                    if (n.has(f)) error(p + "." + f, "not used by kind '" + kind.id() + "'");
                }
            }
            if (kind == ProviderKind.OPENAI) {
                dialect = optionalText(n.get("dialect"), p + ".dialect", "openai");
                if (dialect != null && !DIALECTS.contains(dialect)) {
                    error(p + ".dialect", "unknown dialect '" + dialect + "' (known: " + String.join(", ", new java.util.TreeSet<>(DIALECTS)) + ")");
                }
            } else if (n.has("dialect")) error(p + ".dialect", "only for kind 'openai'");
            String apiVersion = null;
            if (kind == ProviderKind.ANTHROPIC) apiVersion = optionalText(n.get("api-version"), p + ".api-version", "2023-06-01");
            else if (kind == ProviderKind.AZURE) apiVersion = optionalText(n.get("api-version"), p + ".api-version", null);
            else if (n.has("api-version")) error(p + ".api-version", "only for kinds 'anthropic' and 'azure'");
            int defaultMaxTokens = (int) number(n.get("default-max-tokens"), p + ".default-max-tokens", 4096, 1, 1_000_000);
            if (n.has("default-max-tokens") && kind != ProviderKind.ANTHROPIC) error(p + ".default-max-tokens", "only for kind 'anthropic'");
            boolean discover = false;
            if (n.has("discover-models")) {
                if (kind != ProviderKind.OLLAMA) error(p + ".discover-models", "only for kind 'ollama'");
                else if (!n.get("discover-models").isBoolean()) error(p + ".discover-models", "must be true or false");
                else discover = n.get("discover-models").asBoolean();
            }
            if (kind == ProviderKind.SIMULATOR) sim = simulator(n.path("simulator"), p + ".simulator");
            else if (n.has("simulator")) error(p + ".simulator", "only for kind 'simulator'");
            if (kind == ProviderKind.LOCAL) {
                localModel = optionalText(n.get("model"), p + ".model", "all-minilm-l6-v2");
                if (localModel != null && !LOCAL_MODELS.contains(localModel)) {
                    error(p + ".model", "unknown local model '" + localModel + "' (known: " + String.join(", ", LOCAL_MODELS) + ")");
                }
            } else if (n.has("model")) error(p + ".model", "only for kind 'local' (deployments name upstream models)");
            String key = optionalText(n.get("api-key"), p + ".api-key", null);
            Map<String, String> headers = headers(n.get("headers"), p + ".headers");
            ProviderConfig.Timeouts timeouts = timeouts(n.get("timeouts"), p + ".timeouts");
            if (name != null && n.has("resilience")) own.put(name, resilience(n.get("resilience"), p + ".resilience", defaults));
            if (name != null) {
                if (out.containsKey(name)) error(p + ".name", "duplicate provider name '" + name + "'");
                else out.put(name, new ProviderConfig(name, kind, baseUrl, key == null || key.isEmpty() ? null : new Secret(key),
                        headers, dialect, timeouts, sim, localModel, apiVersion, defaultMaxTokens, discover, probeUrl));
            }
        }
        return out;
    }

    /**
     * {@code probe-url}: a full http(s) URL, or a path from the root of the base URL's host
     * ({@code /health} on {@code http://gpu:8000/v1} is {@code http://gpu:8000/health}).
     */
    private URI probeUrl(JsonNode n, String path, URI base) {
        String s = requiredText(n, path);
        if (s == null) return null;
        URI u;
        try {
            u = new URI(s.trim());
        } catch (URISyntaxException e) {
            error(path, "not a valid URL");
            return null;
        }
        if (u.getRawFragment() != null) { error(path, "must not have a #fragment"); return null; }
        if (u.getScheme() == null) {
            if (u.getRawAuthority() != null || u.getRawPath() == null || !u.getRawPath().startsWith("/")) {
                error(path, "must be a path starting with / (e.g. /health) or an http:// or https:// URL");
                return null;
            }
            return base == null ? null : base.resolve(u);
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            error(path, "must be a path starting with / (e.g. /health) or an http:// or https:// URL with a host");
            return null;
        }
        return u;
    }

    private ProviderConfig.SimulatorSettings simulator(JsonNode n, String p) {
        if (n.isMissingNode() || n.isNull()) n = JsonNodeFactory.instance.objectNode();
        if (!isMap(n, p)) return null;
        allowOnly(n, p, "latency", "time-to-first-token", "tokens-per-second", "output-tokens", "failure-rate", "failure-status",
                "failure-mode");
        Duration latency = duration(n.get("latency"), p + ".latency", Duration.ZERO);
        Duration ttft = duration(n.get("time-to-first-token"), p + ".time-to-first-token", Duration.ofMillis(100));
        double tps = number(n.get("tokens-per-second"), p + ".tokens-per-second", 100, 0.1, 1_000_000);
        int tokens = (int) number(n.get("output-tokens"), p + ".output-tokens", 40, 1, 100_000);
        double rate = number(n.get("failure-rate"), p + ".failure-rate", 0, 0, 1);
        int status = (int) number(n.get("failure-status"), p + ".failure-status", 503, 400, 599);
        String mode = optionalText(n.get("failure-mode"), p + ".failure-mode", "before-response");
        if (mode != null && !mode.equals("before-response") && !mode.equals("mid-stream")) {
            error(p + ".failure-mode", "must be 'before-response' or 'mid-stream', got '" + mode + "'");
        }
        return new ProviderConfig.SimulatorSettings(latency, ttft, tps, tokens, rate, status, "mid-stream".equals(mode));
    }

    private ProviderConfig.Timeouts timeouts(JsonNode n, String p) {
        if (n == null || n.isNull()) return ProviderConfig.Timeouts.DEFAULT;
        if (!isMap(n, p)) return ProviderConfig.Timeouts.DEFAULT;
        allowOnly(n, p, "connect", "idle");
        return new ProviderConfig.Timeouts(
                duration(n.get("connect"), p + ".connect", ProviderConfig.Timeouts.DEFAULT.connect()),
                duration(n.get("idle"), p + ".idle", ProviderConfig.Timeouts.DEFAULT.idle()));
    }

    private Map<String, String> headers(JsonNode n, String p) {
        if (n == null || n.isNull()) return Map.of();
        if (!isMap(n, p)) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String hp = p + "." + e.getKey();
            if (!HEADER.matcher(e.getKey()).matches()) error(hp, "not a valid header name");
            else if (!e.getValue().isValueNode() || e.getValue().isNull()) error(hp, "must be a string");
            else if (!e.getValue().asText().isEmpty()) out.put(e.getKey(), e.getValue().asText()); // unset ${VAR:} → no header
        }
        return Collections.unmodifiableMap(out);
    }

    private Map<String, ModelConfig> models(JsonNode list, Map<String, ProviderConfig> providers, ResilienceSettings defaults,
                                            Map<String, ResilienceSettings> providerResilience,
                                            Map<String, Map<String, ResilienceSettings>> modelResilience) {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        if (!isList(list, "models", true)) return out;
        for (int i = 0; i < list.size(); i++) {
            String p = "models[" + i + "]";
            JsonNode n = list.get(i);
            if (!isMap(n, p)) continue;
            allowOnly(n, p, "name", "deployments", "strategy", "owned-by", "created", "resilience", "price");
            String name = name(n.get("name"), p + ".name");
            String strategyText = optionalText(n.get("strategy"), p + ".strategy", "ordered");
            ModelConfig.Strategy strategy = ModelConfig.Strategy.ORDERED;
            if ("weighted".equals(strategyText)) strategy = ModelConfig.Strategy.WEIGHTED;
            else if (strategyText != null && !"ordered".equals(strategyText)) {
                error(p + ".strategy", "must be 'ordered' or 'weighted', got '" + strategyText + "'");
            }
            List<ModelConfig.Deployment> deployments = new ArrayList<>();
            JsonNode ds = n.get("deployments");
            String dp = p + ".deployments";
            if (ds == null || ds.isNull()) error(dp, "is required");
            else if (isList(ds, dp, false)) {
                if (ds.isEmpty()) error(dp, "must name at least one deployment");
                for (int j = 0; j < ds.size(); j++) {
                    String dj = dp + "[" + j + "]";
                    JsonNode d = ds.get(j);
                    if (!isMap(d, dj)) continue;
                    allowOnly(d, dj, "provider", "model", "weight", "reasoning", "think-prefilled", "price", "gpu");
                    String prov = requiredText(d.get("provider"), dj + ".provider");
                    if (prov != null && !providers.containsKey(prov)) {
                        error(dj + ".provider", "unknown provider '" + prov + "'" + suggest(prov, providers.keySet()));
                    }
                    String upstream = optionalText(d.get("model"), dj + ".model", name);
                    int weight = (int) number(d.get("weight"), dj + ".weight", 1, 0, 1_000_000);
                    String r = optionalText(d.get("reasoning"), dj + ".reasoning", "split");
                    ModelConfig.Reasoning reasoning = ModelConfig.Reasoning.SPLIT;
                    switch (r == null ? "split" : r) {
                        case "split" -> reasoning = ModelConfig.Reasoning.SPLIT;
                        case "pass" -> reasoning = ModelConfig.Reasoning.PASS;
                        case "strip" -> reasoning = ModelConfig.Reasoning.STRIP;
                        default -> error(dj + ".reasoning", "must be 'split', 'pass' or 'strip', got '" + r + "'");
                    }
                    boolean prefilled = false;
                    if (d.has("think-prefilled")) {
                        if (!d.get("think-prefilled").isBoolean()) error(dj + ".think-prefilled", "must be true or false");
                        else prefilled = d.get("think-prefilled").asBoolean();
                    }
                    Price price = price(d.get("price"), dj + ".price");
                    ModelConfig.Gpu gpu = gpu(d.get("gpu"), dj + ".gpu");
                    if (d.has("price") && d.has("gpu")) error(dj, "set either price or gpu, not both");
                    deployments.add(new ModelConfig.Deployment(prov, upstream, weight, reasoning, prefilled, price, gpu));
                }
                if (strategy == ModelConfig.Strategy.WEIGHTED && !deployments.isEmpty()
                        && deployments.stream().mapToInt(ModelConfig.Deployment::weight).sum() == 0) {
                    error(dp, "weighted strategy needs at least one deployment with weight > 0");
                }
            }
            String ownedBy = optionalText(n.get("owned-by"), p + ".owned-by", null);
            if (ownedBy == null) {
                boolean allSimulated = !deployments.isEmpty() && deployments.stream().allMatch(d -> {
                    ProviderConfig pc = providers.get(d.provider());
                    return pc != null && pc.kind() == ProviderKind.SIMULATOR;
                });
                ownedBy = allSimulated ? "simulator" : "frugal";
            }
            long created = (long) number(n.get("created"), p + ".created", 1_735_689_600L, 0, 4_102_444_800L);
            Price price = price(n.get("price"), p + ".price");
            if (name != null) {
                if (out.containsKey(name)) error(p + ".name", "duplicate model name '" + name + "'");
                else out.put(name, new ModelConfig(name, List.copyOf(deployments), strategy, ownedBy, created, price));
                if (n.has("resilience")) { // over each provider's own settings
                    Map<String, ResilienceSettings> own = new HashMap<>();
                    for (ModelConfig.Deployment d : deployments) {
                        if (d.provider() == null) continue;
                        ResilienceSettings base = providerResilience.getOrDefault(d.provider(), defaults);
                        own.put(d.provider(), resilience(n.get("resilience"), p + ".resilience", base));
                    }
                    modelResilience.put(name, Map.copyOf(own));
                }
            }
        }
        return out;
    }

    /**
     * {@code routes[]}: virtual models over configured models. A route's {@code resilience} section is
     * layered over each candidate's own settings per provider (model over provider over top level) and
     * stored in {@code routeResilience} (route → model → provider), so attempts only look it up.
     */
    private Map<String, RouteConfig> routes(JsonNode list, Map<String, ModelConfig> models, ResilienceSettings defaults,
                                            Map<String, ResilienceSettings> providerResilience,
                                            Map<String, Map<String, ResilienceSettings>> modelResilience,
                                            Map<String, Map<String, Map<String, ResilienceSettings>>> routeResilience) {
        Map<String, RouteConfig> out = new LinkedHashMap<>();
        if (!isList(list, "routes", true)) return out;
        for (int i = 0; i < list.size(); i++) {
            String p = "routes[" + i + "]";
            JsonNode n = list.get(i);
            if (!isMap(n, p)) continue;
            allowOnly(n, p, "name", "candidates", "objective", "resilience", "created");
            String name = name(n.get("name"), p + ".name");
            if (name != null && models.containsKey(name)) {
                error(p + ".name", "'" + name + "' is already a model name (a route needs a name of its own)");
                name = null;
            }
            List<String> candidates = new ArrayList<>();
            JsonNode cs = n.get("candidates");
            String cp = p + ".candidates";
            if (cs == null || cs.isNull()) error(cp, "is required");
            else if (isList(cs, cp, false)) {
                if (cs.isEmpty()) error(cp, "must name at least one model");
                for (int j = 0; j < cs.size(); j++) {
                    String m = requiredText(cs.get(j), cp + "[" + j + "]");
                    if (m == null) continue;
                    if (!models.containsKey(m)) error(cp + "[" + j + "]", "unknown model '" + m + "'" + suggest(m, models.keySet()));
                    else if (candidates.contains(m)) error(cp + "[" + j + "]", "model '" + m + "' is already a candidate");
                    else candidates.add(m);
                }
            }
            String objectiveText = optionalText(n.get("objective"), p + ".objective", "ordered");
            RouteConfig.Objective objective = RouteConfig.Objective.ORDERED;
            if ("cheapest".equals(objectiveText)) objective = RouteConfig.Objective.CHEAPEST;
            else if (objectiveText != null && !"ordered".equals(objectiveText)) {
                error(p + ".objective", "must be 'ordered' or 'cheapest', got '" + objectiveText
                        + "' (best and fastest come with the routing policy)");
            }
            long created = (long) number(n.get("created"), p + ".created", 1_735_689_600L, 0, 4_102_444_800L);
            if (name == null) continue;
            if (out.containsKey(name)) { error(p + ".name", "duplicate route name '" + name + "'"); continue; }
            out.put(name, new RouteConfig(name, List.copyOf(candidates), objective, created));
            if (n.has("resilience") && candidates.isEmpty()) resilience(n.get("resilience"), p + ".resilience", defaults);
            if (n.has("resilience")) {
                Map<String, Map<String, ResilienceSettings>> byModel = new HashMap<>();
                for (String m : candidates) {
                    Map<String, ResilienceSettings> own = modelResilience.getOrDefault(m, Map.of());
                    Map<String, ResilienceSettings> byProvider = new HashMap<>();
                    for (ModelConfig.Deployment d : models.get(m).deployments()) {
                        if (d.provider() == null || byProvider.containsKey(d.provider())) continue;
                        ResilienceSettings base = own.getOrDefault(d.provider(),
                                providerResilience.getOrDefault(d.provider(), defaults));
                        byProvider.put(d.provider(), resilience(n.get("resilience"), p + ".resilience", base));
                    }
                    byModel.put(m, Map.copyOf(byProvider));
                }
                routeResilience.put(name, Map.copyOf(byModel));
            }
        }
        return out;
    }

    /** {@code price: {input, cached-input, output}} in USD per million tokens; cached-input defaults to input. */
    private Price price(JsonNode n, String p) {
        if (n == null || n.isNull()) return null;
        if (!isMap(n, p)) return null;
        allowOnly(n, p, "input", "cached-input", "output");
        long input = requiredUsd(n, "input", p);
        long output = requiredUsd(n, "output", p);
        long cached = usdMicros(n.get("cached-input"), p + ".cached-input", input);
        if (input < 0 || output < 0 || cached < 0) return null;
        return Price.of(Price.Source.CONFIG, input, cached, output); // USD per Mtok x 10^6 = micro-USD per Mtok
    }

    /** {@code gpu: {usd-per-hour, output-tokens-per-second, input-tokens-per-second}}; input defaults to 10x output. */
    private ModelConfig.Gpu gpu(JsonNode n, String p) {
        if (n == null || n.isNull()) return null;
        if (!isMap(n, p)) return null;
        allowOnly(n, p, "usd-per-hour", "output-tokens-per-second", "input-tokens-per-second");
        long perHour = requiredUsd(n, "usd-per-hour", p);
        if (n.get("output-tokens-per-second") == null) error(p + ".output-tokens-per-second", "is required");
        double out = number(n.get("output-tokens-per-second"), p + ".output-tokens-per-second", -1, 0.1, 1e9);
        double in = number(n.get("input-tokens-per-second"), p + ".input-tokens-per-second",
                out * GPU_INPUT_SPEEDUP, 0.1, 1e10);
        if (perHour < 0 || out <= 0 || in <= 0) return null;
        return new ModelConfig.Gpu(perHour, out, in);
    }

    private long requiredUsd(JsonNode n, String field, String p) {
        if (n.get(field) == null || n.get(field).isNull()) { error(p + "." + field, "is required"); return -1; }
        return usdMicros(n.get(field), p + "." + field, -1);
    }

    /** The top-level {@code pricing} section. */
    private PricingSettings pricing(JsonNode n) {
        if (n == null || n.isNull()) return PricingSettings.DEFAULT;
        if (!isMap(n, "pricing")) return PricingSettings.DEFAULT;
        allowOnly(n, "pricing", "reject-unpriced", "unpriced-warning-interval");
        boolean reject = PricingSettings.DEFAULT.rejectUnpriced();
        if (n.has("reject-unpriced")) {
            if (!n.get("reject-unpriced").isBoolean()) error("pricing.reject-unpriced", "must be true or false");
            else reject = n.get("reject-unpriced").asBoolean();
        }
        Duration interval = duration(n.get("unpriced-warning-interval"), "pricing.unpriced-warning-interval",
                PricingSettings.DEFAULT.unpricedWarningInterval());
        return new PricingSettings(reject, interval);
    }

    /**
     * @param discovery some provider discovers its models: a team may then list a model name the
     *                  file does not configure, since it can only be checked once discovered
     */
    private void teams(JsonNode list, Set<String> callable, boolean discovery, Map<String, TeamConfig> out,
                       Map<String, TeamConfig> byKey) {
        if (!isList(list, "teams", true)) return;
        Map<String, String> keyOwner = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "teams[" + i + "]";
            JsonNode n = list.get(i);
            if (!isMap(n, p)) continue;
            allowOnly(n, p, "name", "keys", "models", "budget", "limits", "reference-model");
            Set<String> hashes = new LinkedHashSet<>();
            JsonNode keys = n.get("keys");
            if (keys != null && !keys.isNull() && isList(keys, p + ".keys", false)) { // optional: keys may come from the admin API
                for (int j = 0; j < keys.size(); j++) {
                    String kp = p + ".keys[" + j + "]";
                    String key = requiredText(keys.get(j), kp);
                    if (key == null) continue;
                    if (key.length() < 8) { error(kp, "a key must have at least 8 characters"); continue; }
                    String hash = KeyHash.sha256Hex(key);
                    String owner = keyOwner.putIfAbsent(hash, p);
                    if (owner != null) error(kp, "the same key is already listed at " + owner);
                    hashes.add(hash);
                }
            }
            TeamConfig team = team(n, p, hashes, discovery ? null : callable, "reference-model");
            if (team == null) continue;
            if (out.containsKey(team.name())) { error(p + ".name", "duplicate team name '" + team.name() + "'"); continue; }
            out.put(team.name(), team);
            for (String h : hashes) byKey.put(h, team);
        }
    }

    /**
     * The policy of one team mapping (all but its keys): name, models, budget, limits and reference
     * model; null when the name is missing or bad.
     *
     * @param knownModels the model names the team may list; null accepts any name
     */
    private TeamConfig team(JsonNode n, String p, Set<String> keyHashes, Set<String> knownModels, String referenceField) {
        String name = name(n.get("name"), join(p, "name"));
        Set<String> allowed = new LinkedHashSet<>();
        JsonNode ms = n.get("models");
        String mp = join(p, "models");
        if (ms != null && !ms.isNull() && isList(ms, mp, false)) {
            for (int j = 0; j < ms.size(); j++) {
                String m = requiredText(ms.get(j), mp + "[" + j + "]");
                if (m == null) continue;
                if (knownModels != null && !knownModels.contains(m)) {
                    error(mp + "[" + j + "]", "unknown model '" + m + "'" + suggest(m, knownModels));
                }
                allowed.add(m);
            }
        }
        List<Budget> budgets = budgets(n.get("budget"), join(p, "budget"));
        Limits limits = limits(n.get("limits"), join(p, "limits"));
        String reference = optionalText(n.get(referenceField), join(p, referenceField), null);
        if (reference != null && reference.isBlank()) reference = null;
        return name == null ? null : new TeamConfig(name, Set.copyOf(keyHashes), Set.copyOf(allowed), budgets, limits, reference);
    }

    // ---- one team, as the admin API sends it -----------------------------------------------

    /**
     * Compiles one team as the admin API receives it — {@code name, models, budget, limits,
     * reference_model}, no keys (the API issues those) — with the rules of {@code teams[]}. No
     * {@code ${VAR}} interpolation: a client's text is never looked up in the environment.
     *
     * @param knownModels the model names the team may list (unknown ones are errors); null accepts any,
     *                    for teams read back from the database whose models may have gone since
     * @throws InvalidConfigException with one {@code path: message} per problem, the path relative to the
     *                                body ({@code budget[1].period: a budget for this period is already set})
     */
    public static TeamConfig compileTeam(JsonNode body, Set<String> knownModels) {
        ConfigCompiler c = new ConfigCompiler(name -> null);
        TeamConfig team = null;
        if (c.isMap(body, "(root)")) {
            c.allowOnly(body, "", "name", "models", "budget", "limits", "reference_model");
            team = c.team(body, "", Set.of(), knownModels, "reference_model");
        }
        c.throwIfErrors();
        return team;
    }

    /** Compiles {@code {rpm, tpm, concurrent}} found at {@code path}; absent or null is {@link Limits#NONE}. */
    public static Limits compileLimits(JsonNode n, String path) {
        ConfigCompiler c = new ConfigCompiler(name -> null);
        Limits limits = c.limits(n, path);
        c.throwIfErrors();
        return limits;
    }

    /** Compiles a {@code budget} (one {@code {usd, period, mode}} or a list) found at {@code path}; absent or null is none. */
    public static List<Budget> compileBudgets(JsonNode n, String path) {
        ConfigCompiler c = new ConfigCompiler(name -> null);
        List<Budget> budgets = c.budgets(n, path);
        c.throwIfErrors();
        return budgets;
    }

    /** Whether {@code s} is a valid name of a provider, model or team. */
    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    private void throwIfErrors() {
        if (!errors.isEmpty()) throw new InvalidConfigException(errors);
    }

    /** {@code budget}: one {@code {usd, period, mode}} mapping or a list of them, at most one per period. */
    private List<Budget> budgets(JsonNode n, String p) {
        if (n == null || n.isNull()) return List.of();
        List<JsonNode> items = new ArrayList<>();
        if (n.isArray()) n.forEach(items::add);
        else if (n.isObject()) items.add(n);
        else { error(p, "must be a mapping {usd, period, mode} or a list of them"); return List.of(); }
        List<Budget> out = new ArrayList<>();
        Set<Budget.Period> seen = EnumSet.noneOf(Budget.Period.class);
        for (int i = 0; i < items.size(); i++) {
            String bp = n.isArray() ? p + "[" + i + "]" : p;
            JsonNode b = items.get(i);
            if (!isMap(b, bp)) continue;
            allowOnly(b, bp, "usd", "period", "mode");
            long micros = usdMicros(b.get("usd"), bp + ".usd", -1);
            if (micros < 0 && b.get("usd") == null) error(bp + ".usd", "is required");
            Budget.Period period = oneOf(b.get("period"), bp + ".period", Budget.Period.class, Budget.Period.MONTH);
            String mode = optionalText(b.get("mode"), bp + ".mode", "hard");
            if (!mode.equals("hard") && !mode.equals("soft")) error(bp + ".mode", "must be hard (reject) or soft (alert only)");
            if (period != null && !seen.add(period)) error(bp + ".period", "a budget for this period is already set");
            if (micros >= 0 && period != null) out.add(new Budget(micros, period, !mode.equals("soft")));
        }
        return List.copyOf(out);
    }

    /** {@code limits: {rpm, tpm, concurrent}}; each optional, 0 or absent = no limit. */
    private Limits limits(JsonNode n, String p) {
        if (n == null || n.isNull()) return Limits.NONE;
        if (!isMap(n, p)) return Limits.NONE;
        allowOnly(n, p, "rpm", "tpm", "concurrent");
        long rpm = (long) number(n.get("rpm"), p + ".rpm", 0, 0, 1e9);
        long tpm = (long) number(n.get("tpm"), p + ".tpm", 0, 0, 1e12);
        int concurrent = (int) number(n.get("concurrent"), p + ".concurrent", 0, 0, 1e7);
        if (isFractional(n.get("rpm")) || isFractional(n.get("tpm")) || isFractional(n.get("concurrent"))) {
            error(p, "rpm, tpm and concurrent must be whole numbers");
        }
        return new Limits(rpm, tpm, concurrent);
    }

    private static boolean isFractional(JsonNode n) {
        return n != null && n.isNumber() && n.asDouble() != Math.rint(n.asDouble());
    }

    /** An amount in USD (number or string, read exactly) as micro-USD; at most 6 decimals, not negative. */
    long usdMicros(JsonNode n, String path, long fallback) {
        if (n == null || n.isNull()) return fallback;
        if (!n.isNumber() && !n.isTextual()) { error(path, "must be an amount in USD, e.g. 12.5"); return fallback; }
        try {
            java.math.BigDecimal usd = new java.math.BigDecimal(n.asText().trim());
            if (usd.signum() < 0) { error(path, "must not be negative"); return fallback; }
            if (usd.compareTo(java.math.BigDecimal.valueOf(1_000_000_000L)) > 0) { error(path, "must be at most 1000000000"); return fallback; }
            return dev.frugal.core.Money.micros(usd);
        } catch (NumberFormatException | ArithmeticException e) {
            error(path, "must be an amount in USD, e.g. 12.5");
            return fallback;
        }
    }

    private <E extends Enum<E>> E oneOf(JsonNode n, String path, Class<E> type, E fallback) {
        if (n == null || n.isNull()) return fallback;
        String s = n.isValueNode() ? n.asText().trim().toUpperCase(java.util.Locale.ROOT) : "";
        for (E e : type.getEnumConstants()) if (e.name().equals(s)) return e;
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) names.add(e.name().toLowerCase(java.util.Locale.ROOT));
        error(path, "must be one of " + String.join(", ", names));
        return null;
    }

    // ---- interpolation --------------------------------------------------------------------

    private JsonNode interpolate(JsonNode n, String path) {
        if (n.isTextual()) {
            String text = n.asText();
            if (text.indexOf("${") < 0) return n;
            Matcher m = VAR.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = env.apply(m.group(1));
                if (value == null) value = m.group(2);
                if (value == null) {
                    error(path.isEmpty() ? "(root)" : path, "environment variable " + m.group(1) + " is not set");
                    value = "";
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            return JsonNodeFactory.instance.textNode(sb.toString());
        }
        if (n.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            n.fields().forEachRemaining(e -> copy.set(e.getKey(), interpolate(e.getValue(), join(path, e.getKey()))));
            return copy;
        }
        if (n.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < n.size(); i++) copy.add(interpolate(n.get(i), path + "[" + i + "]"));
            return copy;
        }
        return n;
    }

    // ---- typed readers --------------------------------------------------------------------

    private void allowOnly(JsonNode n, String path, String... fields) {
        Set<String> allowed = Set.of(fields);
        n.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) error(join(path, f), "unknown field" + suggest(f, allowed));
        });
    }

    private boolean isMap(JsonNode n, String path) {
        if (n != null && n.isObject()) return true;
        error(path, "must be a mapping");
        return false;
    }

    private boolean isList(JsonNode n, String path, boolean optional) {
        if (optional && (n == null || n.isMissingNode() || n.isNull())) return false;
        if (n != null && n.isArray()) return true;
        error(path, "must be a list");
        return false;
    }

    private String requiredText(JsonNode n, String path) {
        if (n == null || n.isNull() || n.isMissingNode()) { error(path, "is required"); return null; }
        if (!n.isValueNode()) { error(path, "must be a string"); return null; }
        String s = n.asText();
        if (s.isBlank()) { error(path, "must not be empty"); return null; }
        return s;
    }

    private String optionalText(JsonNode n, String path, String fallback) {
        if (n == null || n.isNull() || n.isMissingNode()) return fallback;
        if (!n.isValueNode()) { error(path, "must be a string"); return fallback; }
        return n.asText();
    }

    private String name(JsonNode n, String path) {
        String s = requiredText(n, path);
        if (s != null && !NAME.matcher(s).matches()) {
            error(path, "'" + s + "' is not a valid name (letters, digits and . _ : / @ -, at most 128)");
            return null;
        }
        return s;
    }

    private URI url(JsonNode n, String path) {
        String s = requiredText(n, path);
        if (s == null) return null;
        try {
            URI u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                error(path, "must be an http:// or https:// URL with a host");
                return null;
            }
            return u;
        } catch (URISyntaxException e) {
            error(path, "not a valid URL");
            return null;
        }
    }

    private double number(JsonNode n, String path, double fallback, double min, double max) {
        if (n == null || n.isNull()) return fallback;
        double v;
        if (n.isNumber()) v = n.asDouble();
        else if (n.isTextual()) {
            try { v = Double.parseDouble(n.asText().trim()); } catch (NumberFormatException e) { error(path, "must be a number"); return fallback; }
        } else { error(path, "must be a number"); return fallback; }
        if (v < min || v > max || Double.isNaN(v)) { error(path, "must be between " + fmt(min) + " and " + fmt(max)); return fallback; }
        return v;
    }

    private Duration duration(JsonNode n, String path, Duration fallback) {
        if (n == null || n.isNull()) return fallback;
        Duration d = Durations.parse(n.asText());
        if (d == null || !n.isValueNode()) { error(path, "must be a duration such as 250ms, 5s or 2m"); return fallback; }
        return d;
    }

    private long size(JsonNode n, String path, long fallback) {
        if (n == null || n.isNull()) return fallback;
        Matcher m = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?").matcher(n.asText().trim());
        if (!n.isValueNode() || !m.matches()) { error(path, "must be a size such as 4MiB or 65536"); return fallback; }
        String unit = m.group(2) == null ? "B" : m.group(2);
        long mult = switch (unit) {
            case "KiB" -> 1024L; case "MiB" -> 1024L * 1024; case "GiB" -> 1024L * 1024 * 1024;
            case "KB" -> 1000L; case "MB" -> 1_000_000L; case "GB" -> 1_000_000_000L; default -> 1L;
        };
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), mult);
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes < 1024 || bytes > 1024L * 1024 * 1024) { error(path, "must be between 1KiB and 1GiB"); return fallback; }
        return bytes;
    }

    // ---- helpers --------------------------------------------------------------------------

    private void error(String path, String message) {
        String problem = path + ": " + message;
        if (!errors.contains(problem)) errors.add(problem); // a section applied per deployment is reported once
    }

    private static String join(String path, String field) { return path.isEmpty() ? field : path + "." + field; }

    private static String fmt(double d) { return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d); }

    private static String firstLine(String s) { return s == null ? "" : s.lines().findFirst().orElse(""); }

    /** " (did you mean 'x'?)" when a known name is one or two edits away. */
    static String suggest(String got, Iterable<String> known) {
        String best = null;
        int bestDist = 3;
        for (String k : known) {
            int d = editDistance(got, k);
            if (d < bestDist) { bestDist = d; best = k; }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
