package dev.frugal.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One upstream endpoint from {@code providers[]}. Immutable.
 *
 * @param baseUrl    upstream base URL including any path prefix (e.g. {@code http://host:8000/v1}); null for in-process kinds
 * @param apiKey     provider credential, or null when the upstream needs none
 * @param headers    extra headers sent on every upstream request
 * @param dialect    OpenAI-compatible server family whose quirks to apply (openai kind only)
 * @param timeouts   connect and idle (no byte received) deadlines
 * @param simulator  behaviour of a simulator provider, null for other kinds
 * @param localModel the in-process model name (local kind only)
 * @param apiVersion protocol version: {@code anthropic-version} for anthropic (default 2023-06-01),
 *                   {@code api-version} for azure's dated API (null selects azure's v1 API)
 * @param defaultMaxTokens max tokens sent when the client gives none, for protocols that require it (anthropic)
 * @param discoverModels list the upstream's own models in {@code /v1/models} (ollama)
 * @param probeUrl   the health probe's absolute URL ({@code probe-url}, a path already resolved against the base URL),
 *                   or null for the protocol's own free endpoint (its model list)
 * @param local      it runs on the admin's own hardware ({@code local}; by default the kinds of
 *                   {@link ProviderKind#localByDefault()}): the only providers a {@code local-only} data policy may use
 */
public record ProviderConfig(String name, ProviderKind kind, URI baseUrl, Secret apiKey, Map<String, String> headers,
                             String dialect, Timeouts timeouts, SimulatorSettings simulator, String localModel,
                             String apiVersion, int defaultMaxTokens, boolean discoverModels, URI probeUrl, boolean local) {

    /** A provider that is local when its kind is by default (tests, examples). */
    public ProviderConfig(String name, ProviderKind kind, URI baseUrl, Secret apiKey, Map<String, String> headers,
                          String dialect, Timeouts timeouts, SimulatorSettings simulator, String localModel,
                          String apiVersion, int defaultMaxTokens, boolean discoverModels, URI probeUrl) {
        this(name, kind, baseUrl, apiKey, headers, dialect, timeouts, simulator, localModel, apiVersion, defaultMaxTokens,
                discoverModels, probeUrl, kind != null && kind.localByDefault());
    }

    /** An HTTP provider of the given kind with default settings (tests, examples). */
    public static ProviderConfig http(String name, ProviderKind kind, URI baseUrl, Secret apiKey) {
        return new ProviderConfig(name, kind, baseUrl, apiKey, Map.of(), kind == ProviderKind.OPENAI ? Defaults.DIALECT : null,
                Timeouts.DEFAULT, null, null, kind == ProviderKind.ANTHROPIC ? Defaults.ANTHROPIC_VERSION : null,
                Defaults.DEFAULT_MAX_TOKENS, false, null);
    }

    public record Timeouts(Duration connect, Duration idle) {
        public static final Timeouts DEFAULT = new Timeouts(Defaults.CONNECT_TIMEOUT, Defaults.IDLE_TIMEOUT);
    }

    /**
     * How the simulator behaves.
     *
     * @param latency          delay before the response starts (headers for streams, whole body otherwise)
     * @param timeToFirstToken extra delay before the first generated token
     * @param tokensPerSecond  generation speed after the first token
     * @param outputTokens     tokens generated when the request sets no lower max
     * @param failureRate      fraction of requests (0..1) answered with {@code failureStatus}
     * @param failureStatus    HTTP status of simulated failures
     * @param failMidStream    streams fail half-way through (an in-band error) instead of before the first byte
     */
    public record SimulatorSettings(Duration latency, Duration timeToFirstToken, double tokensPerSecond,
                                    int outputTokens, double failureRate, int failureStatus, boolean failMidStream) {}
}
