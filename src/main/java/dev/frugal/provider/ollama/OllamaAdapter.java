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
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.wire.Json;
import dev.frugal.wire.NdjsonDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Adapter for Ollama's native API ({@code /api/chat} with NDJSON streaming, {@code /api/embed}).
 * I/O glue only: it builds the call with {@link OllamaRequestMapper}, pipes the answer through
 * {@link OllamaResponseMapper} / {@link OllamaStreamMapper} / {@link OllamaErrorMapper}, and never
 * retries. Text completions are not offered: {@code /api/generate} is a different prompt model
 * (raw templates), so such requests fall to another deployment or get a clear 400.
 */
final class OllamaAdapter implements ChatCapable, EmbeddingCapable {
    private static final Supplier<String> CALL_IDS = () -> Ids.random("call_", 24);

    private final ProviderConfig config;
    private final UpstreamHttp http;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String prefix;
    private final String secret;
    private final MultiMap baseHeaders;

    OllamaAdapter(ProviderConfig config, UpstreamHttp http) {
        this.config = config;
        this.http = http;
        URI u = config.baseUrl();
        this.ssl = "https".equals(u.getScheme());
        this.host = u.getHost();
        this.port = u.getPort() > 0 ? u.getPort() : (ssl ? 443 : 80);
        this.prefix = u.getRawPath() == null ? "" : u.getRawPath();
        this.secret = config.apiKey() == null ? null : config.apiKey().reveal();
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set(HttpHeaders.CONTENT_TYPE, "application/json");
        // Ollama itself takes no key; one configured is for ollama.com or an authenticating proxy.
        if (secret != null) h.set(HttpHeaders.AUTHORIZATION, "Bearer " + secret);
        for (Map.Entry<String, String> e : config.headers().entrySet()) h.set(e.getKey(), e.getValue());
        this.baseHeaders = h;
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
            if (answer.has("error")) throw OllamaErrorMapper.inBand(config.name(), answer.get("error"), secret);
            ObjectNode openAi = OllamaResponseMapper.toOpenAi(answer, config.name(), id, created, CALL_IDS);
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
        OllamaStreamMapper mapper = new OllamaStreamMapper(config.name(), secret, Ids.random("chatcmpl-", 24),
                System.currentTimeMillis() / 1000, call.clientWantsUsage(), CALL_IDS);
        http.client().request(options("/api/chat", call.requestId(), "application/x-ndjson")).onComplete(ar -> {
            if (ar.failed()) {
                relay.fail(Failures.transport(config.name(), ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            Flow flow = new Flow(req);
            relay.upstream(flow);
            req.send(body).onComplete(r -> {
                if (r.failed()) {
                    relay.fail(Failures.transport(config.name(), r.cause()));
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
                    resp.body().onComplete(b -> relay.fail(b.failed() ? Failures.transport(config.name(), b.cause())
                            : resp.statusCode() != 200
                            ? OllamaErrorMapper.toFailure(config.name(), resp.statusCode(), resp.headers(), b.result(), secret)
                            : OllamaResponseMapper.protocol(config.name(), "answered HTTP 200 with content type '" + type + "' instead of NDJSON")));
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
                resp.handler(decoder::feed);
                resp.exceptionHandler(t -> relay.fail(Failures.transport(config.name(), t)));
                resp.endHandler(v -> {
                    decoder.end(); // a last line without its line feed
                    if (flow.failed) return;
                    try {
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
        boolean failed;

        Flow(HttpClientRequest request) { this.request = request; }

        @Override public void pause() { if (response != null) response.pause(); }
        @Override public void resume() { if (response != null) response.resume(); }
        @Override public void cancel() { request.reset(); }
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
            if (answer.has("error")) throw OllamaErrorMapper.inBand(config.name(), answer.get("error"), secret);
            return OllamaResponseMapper.embeddings(answer, inputs, config.name());
        });
    }

    // ---- plumbing ------------------------------------------------------------------------

    /** One non-streamed request: the mapped 200 body, or the classified failure. */
    private <T> Future<T> exchange(String path, String requestId, Buffer body, Function<Buffer, T> onOk) {
        return http.client().request(options(path, requestId, "application/json")).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(bytes -> {
                    if (resp.statusCode() != 200) {
                        throw OllamaErrorMapper.toFailure(config.name(), resp.statusCode(), resp.headers(), bytes, secret);
                    }
                    return onOk.apply(bytes);
                })).recover(t -> Future.failedFuture(Failures.transport(config.name(), t)));
    }

    private JsonNode parseOk(Buffer bytes) {
        try {
            JsonNode node = Json.parse(bytes);
            if (node.isObject()) return node;
        } catch (Exception e) {
            // reported below
        }
        throw OllamaResponseMapper.protocol(config.name(), "answered HTTP 200 with a body that is not a JSON object");
    }

    private RequestOptions options(String path, String requestId, String accept) {
        RequestOptions o = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host).setPort(port).setSsl(ssl)
                .setURI(prefix + path)
                .setConnectTimeout(config.timeouts().connect().toMillis())
                .setIdleTimeout(config.timeouts().idle().toMillis())
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(baseHeaders));
        o.putHeader("x-request-id", requestId);
        o.putHeader(HttpHeaders.ACCEPT, accept);
        return o;
    }
}
