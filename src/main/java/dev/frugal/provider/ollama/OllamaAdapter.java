package dev.frugal.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.Ids;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkRelay;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.Embeddings;
import dev.frugal.provider.Failures;
import dev.frugal.provider.IdleWatch;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Probeable;
import dev.frugal.provider.Probes;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.wire.Json;
import dev.frugal.wire.NdjsonDecoder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Adapter for Ollama's native API ({@code /api/chat} with NDJSON streaming, {@code /api/embed}).
 * I/O glue only: it builds the call with {@link OllamaRequestMapper}, pipes the answer through
 * {@link OllamaResponseMapper} / {@link OllamaStreamMapper} / {@link OllamaErrorMapper}, and never
 * retries. Text completions are not offered: {@code /api/generate} is a different prompt model
 * (raw templates), so such requests fall to another deployment or get a clear 400.
 */
final class OllamaAdapter implements ChatCapable, EmbeddingCapable, Probeable {
    private static final Supplier<String> CALL_IDS = () -> Ids.random("call_", 24);

    private final UpstreamHttp http;
    private final OllamaEndpoint endpoint;
    private final String provider;
    private final String secret;

    OllamaAdapter(ProviderConfig config, UpstreamHttp http) {
        this.http = http;
        this.endpoint = OllamaEndpoint.of(config);
        this.provider = config.name();
        this.secret = endpoint.secret();
    }

    // ---- chat ----------------------------------------------------------------------------

    @Override
    public Future<Completion> chat(GenerationCall call) {
        ObjectNode body;
        try {
            body = OllamaRequestMapper.toOllama(call.body(), call.deployment().upstreamModel(), false);
        } catch (UpstreamFailure f) {
            return Future.failedFuture(f);
        }
        String id = Ids.random("chatcmpl-", 24);
        long created = System.currentTimeMillis() / 1000;
        return exchange("/api/chat", call.requestId(), Json.writeBuffer(body), bytes -> {
            JsonNode answer = parseOk(bytes);
            if (answer.has("error")) throw OllamaErrorMapper.inBand(provider, answer.get("error"), secret);
            ObjectNode openAi = OllamaResponseMapper.toOpenAi(answer, provider, id, created, CALL_IDS, call.deployment());
            return new Completion(Json.writeBuffer(openAi), OllamaResponseMapper.usage(answer));
        });
    }

    @Override
    public Future<ChunkStream> chatStream(GenerationCall call) {
        Buffer body;
        try {
            body = Json.writeBuffer(OllamaRequestMapper.toOllama(call.body(), call.deployment().upstreamModel(), true));
        } catch (UpstreamFailure f) {
            return Future.failedFuture(f);
        }
        ChunkRelay relay = new ChunkRelay();
        OllamaStreamMapper mapper = new OllamaStreamMapper(provider, secret, Ids.random("chatcmpl-", 24),
                System.currentTimeMillis() / 1000, call.clientWantsUsage(), CALL_IDS, call.deployment());
        http.client().request(endpoint.options(HttpMethod.POST, "/api/chat", call.requestId(), "application/x-ndjson")).onComplete(ar -> {
            if (ar.failed()) {
                relay.fail(Failures.transport(provider, ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            Flow flow = new Flow(req);
            relay.upstream(flow);
            req.send(body).onComplete(r -> {
                if (r.failed()) {
                    relay.fail(Failures.transport(provider, r.cause()));
                    return;
                }
                HttpClientResponse resp = r.result();
                flow.response = resp;
                if (relay.cancelled()) {
                    req.reset();
                    return;
                }
                String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
                if (resp.statusCode() != 200 || type == null || !type.contains("json")) {
                    resp.body().onComplete(b -> relay.fail(b.failed() ? Failures.transport(provider, b.cause())
                            : resp.statusCode() != 200
                            ? OllamaErrorMapper.toFailure(provider, resp.statusCode(), resp.headers(), b.result(), secret)
                            : OllamaResponseMapper.protocol(provider, "answered HTTP 200 with content type '" + type + "' instead of NDJSON")));
                    return;
                }
                NdjsonDecoder decoder = new NdjsonDecoder(line -> {
                    if (flow.failed) return;
                    try {
                        for (String chunk : mapper.map(line)) relay.emit(chunk);
                        relay.usage(mapper.usage());
                    } catch (UpstreamFailure f) {
                        flow.failed = true;
                        relay.fail(f);
                        req.reset();
                    }
                });
                IdleWatch idle = IdleWatch.start(http.vertx(), endpoint.timeouts().idle().toMillis(), () -> {
                    relay.fail(Failures.stalled(provider, endpoint.timeouts().idle()));
                    req.reset();
                });
                flow.idle = idle;
                resp.handler(b -> {
                    idle.touch();
                    decoder.feed(b);
                });
                resp.exceptionHandler(t -> {
                    idle.stop();
                    relay.fail(Failures.transport(provider, t));
                });
                resp.endHandler(v -> {
                    idle.stop();
                    if (flow.failed) return;
                    try {
                        String rest = decoder.end();
                        if (rest != null) {
                            for (String chunk : mapper.mapUnterminated(rest)) relay.emit(chunk);
                            relay.usage(mapper.usage());
                        }
                        mapper.atEnd();
                        relay.end();
                    } catch (UpstreamFailure f) {
                        relay.fail(f);
                    }
                });
            });
        });
        return relay.ready();
    }

    /** Pause, resume and cancel of one upstream exchange. */
    private static final class Flow implements ChunkRelay.Upstream {
        private final HttpClientRequest request;
        HttpClientResponse response;
        IdleWatch idle;
        boolean failed;

        Flow(HttpClientRequest request) { this.request = request; }

        @Override public void pause() {
            if (idle != null) idle.hold(true);
            if (response != null) response.pause();
        }
        @Override public void resume() {
            if (idle != null) idle.hold(false);
            if (response != null) response.resume();
        }
        @Override public void cancel() {
            if (idle != null) idle.stop();
            request.reset();
        }
    }

    // ---- embeddings ----------------------------------------------------------------------

    @Override
    public Future<Embeddings> embed(EmbeddingCall call) {
        ObjectNode body;
        try {
            body = OllamaRequestMapper.embedToOllama(call);
        } catch (UpstreamFailure f) {
            return Future.failedFuture(f);
        }
        int inputs = call.texts().size();
        return exchange("/api/embed", call.requestId(), Json.writeBuffer(body), bytes -> {
            JsonNode answer = parseOk(bytes);
            if (answer.has("error")) throw OllamaErrorMapper.inBand(provider, answer.get("error"), secret);
            return OllamaResponseMapper.embeddings(answer, inputs, provider);
        });
    }

    // ---- plumbing ------------------------------------------------------------------------

    /** One non-streamed request: the mapped 200 body, or the classified failure. */
    private <T> Future<T> exchange(String path, String requestId, Buffer body, Function<Buffer, T> onOk) {
        return http.client().request(endpoint.options(HttpMethod.POST, path, requestId, "application/json")).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(bytes -> {
                    if (resp.statusCode() != 200) {
                        throw OllamaErrorMapper.toFailure(provider, resp.statusCode(), resp.headers(), bytes, secret);
                    }
                    return onOk.apply(bytes);
                })).recover(t -> Future.failedFuture(Failures.transport(provider, t)));
    }

    private JsonNode parseOk(Buffer bytes) {
        try {
            JsonNode node = Json.parse(bytes);
            if (node.isObject()) return node;
        } catch (Exception e) {
            // reported below
        }
        throw OllamaResponseMapper.protocol(provider, "answered HTTP 200 with a body that is not a JSON object");
    }

    /** GET /api/tags, the box's model list: answered without loading a model. */
    @Override
    public Future<Void> probe() {
        OllamaEndpoint e = endpoint;
        return Probes.get(http, e.host(), e.port(), e.ssl(), e.prefix() + "/api/tags", e.headers(), e.timeouts().connect(),
                e.timeouts().idle());
    }
}
