package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@code providers[]}: where requests can go. Checks the fields of each kind (config imports no
 * provider code, so kind-specific rules live here) and registers each provider's own
 * {@code resilience} section.
 */
final class ProvidersCompiler {
    /** OpenAI-compatible server families with known quirks (docs/configuration.md). */
    static final Set<String> DIALECTS = Set.of("openai", "deepseek", "vllm", "llamacpp", "lmstudio",
            "ollama", "groq", "mistral", "together");
    /** The models that run inside the gateway (kind {@code local}). */
    static final Set<String> LOCAL_MODELS = Set.of(Defaults.LOCAL_MODEL);
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final ConfigReader r;
    private final ResilienceCompiler resilience;

    ProvidersCompiler(ConfigReader r, ResilienceCompiler resilience) {
        this.r = r;
        this.resilience = resilience;
    }

    /** The providers by name, in file order. */
    Map<String, ProviderConfig> compile(JsonNode list, ResilienceLayers.Builder layers) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        r.eachMapping(list, "providers", (n, p) -> {
            ProviderConfig provider = provider(n, p);
            UnaryOperator<ResilienceSettings> own = resilience.section(n.get("resilience"), p + ".resilience");
            if (r.putUnique(out, provider.name(), provider, p, "provider") && own != null) layers.provider(provider.name(), own);
        });
        return out;
    }

    /** One provider; its name is null when missing or bad. */
    private ProviderConfig provider(JsonNode n, String p) {
        r.allowOnly(n, p, "name", "kind", "base-url", "api-key", "headers", "dialect", "timeouts", "simulator", "model",
                "api-version", "default-max-tokens", "discover-models", "resilience", "probe-url", "local");
        String name = r.name(n.get("name"), p + ".name");
        String kindText = r.requiredText(n.get("kind"), p + ".kind");
        ProviderKind kind = null;
        if (kindText != null) {
            kind = ProviderKind.of(kindText).orElse(null);
            if (kind == null) r.error(p + ".kind", "unknown kind '" + kindText + "' (known: " + ProviderKind.known() + ")");
        }
        URI baseUrl = null;
        URI probeUrl = null;
        boolean http = kind != null && kind != ProviderKind.LOCAL && kind != ProviderKind.SIMULATOR;
        if (http) {
            baseUrl = n.has("base-url") || !Defaults.BASE_URLS.containsKey(kind)
                    ? r.url(n.get("base-url"), p + ".base-url") : URI.create(Defaults.BASE_URLS.get(kind));
            if (n.has("probe-url")) probeUrl = probeUrl(n.get("probe-url"), p + ".probe-url", baseUrl);
        } else if (kind != null) {
            for (String f : List.of("base-url", "api-key", "probe-url")) {
                if (n.has(f)) r.error(p + "." + f, "not used by kind '" + kind.id() + "'");
            }
        }
        String dialect = null;
        if (kind == ProviderKind.OPENAI) {
            dialect = r.optionalText(n.get("dialect"), p + ".dialect", Defaults.DIALECT);
            if (dialect != null && !DIALECTS.contains(dialect)) {
                r.error(p + ".dialect", "unknown dialect '" + dialect + "' (known: " + String.join(", ", new TreeSet<>(DIALECTS)) + ")");
            }
        } else if (n.has("dialect")) r.error(p + ".dialect", "only for kind 'openai'");
        String apiVersion = null;
        if (kind == ProviderKind.ANTHROPIC) apiVersion = r.optionalText(n.get("api-version"), p + ".api-version", Defaults.ANTHROPIC_VERSION);
        else if (kind == ProviderKind.AZURE) apiVersion = r.optionalText(n.get("api-version"), p + ".api-version", null);
        else if (n.has("api-version")) r.error(p + ".api-version", "only for kinds 'anthropic' and 'azure'");
        int defaultMaxTokens = (int) r.number(n.get("default-max-tokens"), p + ".default-max-tokens", Defaults.DEFAULT_MAX_TOKENS, 1, 1_000_000);
        if (n.has("default-max-tokens") && kind != ProviderKind.ANTHROPIC) r.error(p + ".default-max-tokens", "only for kind 'anthropic'");
        boolean discover = false;
        if (n.has("discover-models")) {
            if (kind != ProviderKind.OLLAMA) r.error(p + ".discover-models", "only for kind 'ollama'");
            else discover = r.bool(n.get("discover-models"), p + ".discover-models", false);
        }
        ProviderConfig.SimulatorSettings sim = null;
        if (kind == ProviderKind.SIMULATOR) sim = simulator(n.path("simulator"), p + ".simulator");
        else if (n.has("simulator")) r.error(p + ".simulator", "only for kind 'simulator'");
        String localModel = null;
        if (kind == ProviderKind.LOCAL) {
            localModel = r.optionalText(n.get("model"), p + ".model", Defaults.LOCAL_MODEL);
            if (localModel != null && !LOCAL_MODELS.contains(localModel)) {
                r.error(p + ".model", "unknown local model '" + localModel + "' (known: " + String.join(", ", LOCAL_MODELS) + ")");
            }
        } else if (n.has("model")) r.error(p + ".model", "only for kind 'local' (deployments name upstream models)");
        boolean local = kind != null && kind.localByDefault();
        if (n.has("local") && kind != null) {
            local = r.bool(n.get("local"), p + ".local", local);
            if (local && !kind.mayBeLocal()) {
                r.error(p + ".local", "kind '" + kind.id() + "' is a hosted service, never on your own hardware");
                local = false;
            }
        }
        String key = r.optionalText(n.get("api-key"), p + ".api-key", null);
        Map<String, String> headers = headers(n.get("headers"), p + ".headers");
        ProviderConfig.Timeouts timeouts = timeouts(n.get("timeouts"), p + ".timeouts");
        return new ProviderConfig(name, kind, baseUrl, key == null || key.isEmpty() ? null : new Secret(key),
                headers, dialect, timeouts, sim, localModel, apiVersion, defaultMaxTokens, discover, probeUrl, local);
    }

    /**
     * {@code probe-url}: a full http(s) URL, or a path from the root of the base URL's host
     * ({@code /health} on {@code http://gpu:8000/v1} is {@code http://gpu:8000/health}).
     */
    private URI probeUrl(JsonNode n, String path, URI base) {
        String s = r.requiredText(n, path);
        if (s == null) return null;
        URI u;
        try {
            u = new URI(s.trim());
        } catch (URISyntaxException e) {
            r.error(path, "not a valid URL");
            return null;
        }
        if (u.getRawFragment() != null) { r.error(path, "must not have a #fragment"); return null; }
        if (u.getScheme() == null) {
            if (u.getRawAuthority() != null || u.getRawPath() == null || !u.getRawPath().startsWith("/")) {
                r.error(path, "must be a path starting with / (e.g. /health) or an http:// or https:// URL");
                return null;
            }
            return base == null ? null : base.resolve(u);
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            r.error(path, "must be a path starting with / (e.g. /health) or an http:// or https:// URL with a host");
            return null;
        }
        return u;
    }

    private ProviderConfig.SimulatorSettings simulator(JsonNode n, String p) {
        if (ConfigReader.isAbsent(n)) n = JsonNodeFactory.instance.objectNode();
        if (!r.isMap(n, p)) return null;
        r.allowOnly(n, p, "latency", "time-to-first-token", "tokens-per-second", "output-tokens", "failure-rate", "failure-status",
                "failure-mode");
        Duration latency = r.duration(n.get("latency"), p + ".latency", Defaults.SIMULATOR_LATENCY);
        Duration ttft = r.duration(n.get("time-to-first-token"), p + ".time-to-first-token", Defaults.SIMULATOR_TIME_TO_FIRST_TOKEN);
        double tps = r.number(n.get("tokens-per-second"), p + ".tokens-per-second", Defaults.SIMULATOR_TOKENS_PER_SECOND, 0.1, 1_000_000);
        int tokens = (int) r.number(n.get("output-tokens"), p + ".output-tokens", Defaults.SIMULATOR_OUTPUT_TOKENS, 1, 100_000);
        double rate = r.number(n.get("failure-rate"), p + ".failure-rate", Defaults.SIMULATOR_FAILURE_RATE, 0, 1);
        int status = (int) r.number(n.get("failure-status"), p + ".failure-status", Defaults.SIMULATOR_FAILURE_STATUS, 400, 599);
        String mode = r.optionalText(n.get("failure-mode"), p + ".failure-mode", Defaults.SIMULATOR_FAILURE_MODE);
        if (mode != null && !mode.equals("before-response") && !mode.equals("mid-stream")) {
            r.error(p + ".failure-mode", "must be 'before-response' or 'mid-stream', got '" + mode + "'");
        }
        return new ProviderConfig.SimulatorSettings(latency, ttft, tps, tokens, rate, status, "mid-stream".equals(mode));
    }

    private ProviderConfig.Timeouts timeouts(JsonNode n, String p) {
        if (n == null || n.isNull()) return ProviderConfig.Timeouts.DEFAULT;
        if (!r.isMap(n, p)) return ProviderConfig.Timeouts.DEFAULT;
        r.allowOnly(n, p, "connect", "idle");
        return new ProviderConfig.Timeouts(
                r.duration(n.get("connect"), p + ".connect", Defaults.CONNECT_TIMEOUT),
                r.duration(n.get("idle"), p + ".idle", Defaults.IDLE_TIMEOUT));
    }

    private Map<String, String> headers(JsonNode n, String p) {
        if (n == null || n.isNull()) return Map.of();
        if (!r.isMap(n, p)) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String hp = p + "." + e.getKey();
            if (!HEADER.matcher(e.getKey()).matches()) r.error(hp, "not a valid header name");
            else if (!e.getValue().isValueNode() || e.getValue().isNull()) r.error(hp, "must be a string");
            else if (!e.getValue().asText().isEmpty()) out.put(e.getKey(), e.getValue().asText()); // unset ${VAR:} → no header
        }
        return Collections.unmodifiableMap(out);
    }
}
