package dev.frugal.provider.anthropic;

import dev.frugal.provider.UpstreamCall;
import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.Failures;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Probeable;
import dev.frugal.provider.Probes;
import dev.frugal.provider.UpstreamEndpoint;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.UpstreamStream;
import dev.frugal.wire.Json;
import dev.frugal.wire.SseDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Adapter for Anthropic's Messages API ({@code POST /v1/messages}). I/O glue only: the request is
 * translated by {@link AnthropicRequestMapper}, answers by {@link AnthropicResponseMapper} and
 * {@link AnthropicStreamMapper}, failures by {@link AnthropicErrorMapper}; it never retries.
 * Chat only: Anthropic has no embeddings and no legacy completions, so the adapter implements
 * neither capability and the gateway answers such requests with a clear 400.
 */
final class AnthropicAdapter implements ChatCapable, Probeable {
    private static final String PATH = "/v1/messages";

    private final ProviderConfig config;
    private final UpstreamHttp http;
    private final Clock clock;
    private final UpstreamEndpoint endpoint;
    private final String uri;
    private final Credentials secrets;

    AnthropicAdapter(ProviderConfig config, UpstreamHttp http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        String secret = config.apiKey() == null ? null : config.apiKey().reveal();
        this.secrets = Credentials.of(config);
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("anthropic-version", config.apiVersion() == null ? "2023-06-01" : config.apiVersion());
        if (secret != null) h.put("x-api-key", secret);
        this.endpoint = UpstreamEndpoint.of(config, h); // the config's headers follow, e.g. anthropic-beta
        String prefix = endpoint.prefix();
        // Anthropic's documented base URL has no version; accept one written with /v1 too.
        this.uri = prefix.endsWith("/v1") ? prefix + "/messages" : prefix + PATH;
    }

    // ---- whole answers -------------------------------------------------------------------

    @Override
    public Future<Completion> chat(GenerationCall call) {
        Buffer body;
        try {
            body = Json.writeBuffer(toUpstream(call));
        } catch (UpstreamFailure f) {
            return Future.failedFuture(f);
        }
        boolean jsonMode = AnthropicRequestMapper.jsonMode(call.body());
        boolean keepThinking = keepThinking(call.deployment());
        return http.request(options(call, false)).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(bytes -> {
                    if (resp.statusCode() != 200) {
                        throw AnthropicErrorMapper.toFailure(config.name(), resp.statusCode(), resp.headers(), bytes, secrets, clock);
                    }
                    return toCompletion(bytes, jsonMode, keepThinking);
                })).recover(t -> Future.failedFuture(Failures.transport(config.name(), t)));
    }

    private Completion toCompletion(Buffer bytes, boolean jsonMode, boolean keepThinking) {
        JsonNode node;
        try {
            node = Json.parse(bytes);
        } catch (Exception e) {
            throw protocol("answered HTTP 200 with a body that is not JSON");
        }
        if (!node.isObject()) throw protocol("answered HTTP 200 with a body that is not a JSON object");
        if ("error".equals(node.path("type").asText())) throw AnthropicErrorMapper.inBand(config.name(), node, secrets);
        if (!node.path("content").isArray()) throw protocol("answered HTTP 200 without 'content'");
        ObjectNode openAi = AnthropicResponseMapper.toOpenAi(node, clock.instant().getEpochSecond(), jsonMode, keepThinking);
        return new Completion(Json.writeBuffer(openAi), AnthropicResponseMapper.usage(node).toCore());
    }

    // ---- streams -------------------------------------------------------------------------

    @Override
    public Future<ChunkStream> chatStream(GenerationCall call) {
        Buffer body;
        try {
            body = Json.writeBuffer(toUpstream(call));
        } catch (UpstreamFailure f) {
            return Future.failedFuture(f);
        }
        AnthropicStreamMapper mapper = new AnthropicStreamMapper(config.name(), secrets, clock.instant().getEpochSecond(),
                AnthropicRequestMapper.jsonMode(call.body()), keepThinking(call.deployment()), call.clientWantsUsage());
        return UpstreamStream.open(http, options(call, true), body, config.name(), new UpstreamStream.Protocol() {
            private Consumer<String> emit;
            private final SseDecoder decoder = new SseDecoder((event, data) -> {
                AnthropicStreamMapper.Step step = mapper.map(event, data);
                if (step instanceof AnthropicStreamMapper.Emit e) e.chunks().forEach(emit);
                else if (step instanceof AnthropicStreamMapper.Failed f) throw f.failure();
            });

            @Override public boolean isStream(String type) { return type != null && type.startsWith("text/event-stream"); }

            @Override public UpstreamFailure notAStream(int status, MultiMap headers, String type, Buffer b) {
                return status != 200 ? AnthropicErrorMapper.toFailure(config.name(), status, headers, b, secrets, clock)
                        : protocol("answered HTTP 200 with content type '" + type + "' instead of an event stream");
            }

            @Override public void feed(Buffer bytes, Consumer<String> emit) {
                this.emit = emit;
                decoder.feed(bytes);
            }

            @Override public List<String> end() {
                mapper.atEnd(decoder.hasIncompleteEvent());
                return List.of();
            }

            @Override public Usage usage() { return mapper.usage(); }
        });
    }

    // ---- request building ----------------------------------------------------------------

    ObjectNode toUpstream(GenerationCall call) {
        ObjectNode b = AnthropicRequestMapper.toAnthropic(call.body(), call.deployment(), config);
        if (call.stream()) b.put("stream", true);
        else b.remove("stream");
        return b;
    }

    /** A deployment set to strip reasoning gets no {@code reasoning_content}; otherwise thinking is returned there. */
    private static boolean keepThinking(ModelConfig.Deployment d) {
        return d.reasoning() != ModelConfig.Reasoning.STRIP;
    }

    private RequestOptions options(UpstreamCall call, boolean stream) {
        return endpoint.options(HttpMethod.POST, uri, call, stream ? "text/event-stream" : "application/json");
    }

    private UpstreamFailure protocol(String what) {
        return new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "Upstream provider '" + config.name() + "' " + what + ".");
    }

    /** GET /v1/models with the key and anthropic-version: free, and it checks the key too. */
    @Override
    public Future<Void> probe() {
        return Probes.probe(http, endpoint, uri.substring(0, uri.length() - "/messages".length()) + "/models");
    }
}
