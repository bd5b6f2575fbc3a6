package dev.frugal.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkRelay;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.CompletionsCapable;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.Embeddings;
import dev.frugal.provider.Failures;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.wire.Json;
import dev.frugal.wire.SseDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Adapter for any OpenAI-compatible server. I/O glue only: it builds the upstream call, pipes
 * bytes through {@link OpenAiStreamMapper} / {@link OpenAiErrorMapper}, and never retries.
 * Unknown request fields are passed through untouched.
 */
final class OpenAiAdapter implements ChatCapable, CompletionsCapable, EmbeddingCapable {
    private final ProviderConfig config;
    private final UpstreamHttp http;
    private final Dialect dialect;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String prefix;
    private final String secret;
    private final MultiMap baseHeaders;

    OpenAiAdapter(ProviderConfig config, UpstreamHttp http) {
        this.config = config;
        this.http = http;
        this.dialect = Dialect.of(config.dialect());
        URI u = config.baseUrl();
        this.ssl = "https".equals(u.getScheme());
        this.host = u.getHost();
        this.port = u.getPort() > 0 ? u.getPort() : (ssl ? 443 : 80);
        this.prefix = u.getRawPath() == null ? "" : u.getRawPath();
        this.secret = config.apiKey() == null ? null : config.apiKey().reveal();
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set(HttpHeaders.CONTENT_TYPE, "application/json");
        if (secret != null) h.set(HttpHeaders.AUTHORIZATION, "Bearer " + secret);
        for (Map.Entry<String, String> e : config.headers().entrySet()) h.set(e.getKey(), e.getValue());
        this.baseHeaders = h;
    }

    @Override public Future<Completion> chat(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> chatStream(GenerationCall call) { return stream(call); }

    @Override public Future<Completion> complete(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> completeStream(GenerationCall call) { return stream(call); }

    // ---- whole answers -------------------------------------------------------------------

    private Future<Completion> whole(GenerationCall call) {
        return exchange(call.operation().path(), call.requestId(), Json.writeBuffer(toUpstream(call)), bytes -> toCompletion(bytes, call));
    }

    /** One non-streamed request: the mapped 200 body, or the classified failure. */
    private <T> Future<T> exchange(String path, String requestId, Buffer body, java.util.function.Function<Buffer, T> onOk) {
        return http.client().request(options(path, requestId, false)).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(bytes -> {
                    if (resp.statusCode() != 200) {
                        throw OpenAiErrorMapper.toFailure(config.name(), resp.statusCode(), resp.headers(), bytes, secret);
                    }
                    return onOk.apply(bytes);
                })).recover(t -> Future.failedFuture(Failures.transport(config.name(), t)));
    }

    private JsonNode parseOk(Buffer bytes) {
        try {
            return Json.parse(bytes);
        } catch (Exception e) {
            throw protocol("answered HTTP 200 with a body that is not JSON");
        }
    }

    private Completion toCompletion(Buffer bytes, GenerationCall call) {
        JsonNode node = parseOk(bytes);
        if (!node.isObject()) throw protocol("answered HTTP 200 with a body that is not a JSON object");
        if (node.has("error")) throw OpenAiErrorMapper.inBand(config.name(), node.get("error"), secret);
        if (!node.path("choices").isArray()) throw protocol("answered HTTP 200 without 'choices'");
        boolean changed = false;
        boolean chat = call.operation() == Operation.CHAT;
        for (JsonNode c : node.get("choices")) {
            if (chat && c.get("message") instanceof ObjectNode message) {
                changed |= OpenAiReasoning.message(message, call.deployment().reasoning(), call.deployment().thinkPrefilled());
            }
            JsonNode fr = c.get("finish_reason");
            if (c instanceof ObjectNode choice && fr != null && fr.isTextual()) {
                JsonNode calls = c.path("message").get("tool_calls");
                String mapped = FinishReasons.toOpenAi(fr.asText(), calls != null && calls.isArray() && !calls.isEmpty());
                if (!mapped.equals(fr.asText())) {
                    choice.put("finish_reason", mapped);
                    changed = true;
                }
            }
        }
        Usage usage = OpenAiUsage.toCore(node);
        return new Completion(changed ? Json.writeBuffer(node) : bytes, usage == null ? Usage.NONE : usage);
    }

    // ---- streams -------------------------------------------------------------------------

    private Future<ChunkStream> stream(GenerationCall call) {
        ChunkRelay relay = new ChunkRelay();
        OpenAiStreamMapper mapper = new OpenAiStreamMapper(config.name(), secret, call.operation(), call.clientWantsUsage(),
                call.deployment().reasoning(), call.deployment().thinkPrefilled(), call.body().path("n").asInt(1));
        Buffer body = Json.writeBuffer(toUpstream(call));
        http.client().request(options(call.operation().path(), call.requestId(), true)).onComplete(ar -> {
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
                if (resp.statusCode() != 200 || type == null || !type.startsWith("text/event-stream")) {
                    resp.body().onComplete(b -> relay.fail(b.failed() ? Failures.transport(config.name(), b.cause())
                            : resp.statusCode() != 200
                            ? OpenAiErrorMapper.toFailure(config.name(), resp.statusCode(), resp.headers(), b.result(), secret)
                            : protocol("answered HTTP 200 with content type '" + type + "' instead of an event stream")));
                    return;
                }
                SseDecoder decoder = new SseDecoder((event, data) -> {
                    OpenAiStreamMapper.Step step = mapper.map(event, data);
                    relay.usage(mapper.usage());
                    if (step instanceof OpenAiStreamMapper.Forward f) relay.emit(f.json());
                    else if (step instanceof OpenAiStreamMapper.Failed f) {
                        relay.fail(f.failure());
                        req.reset();
                    }
                });
                resp.handler(decoder::feed);
                resp.exceptionHandler(t -> relay.fail(Failures.transport(config.name(), t)));
                resp.endHandler(v -> {
                    try {
                        String synthesized = mapper.atEnd(decoder.hasIncompleteEvent());
                        if (synthesized != null) relay.emit(synthesized);
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

        Flow(HttpClientRequest request) { this.request = request; }

        @Override public void pause() { if (response != null) response.pause(); }
        @Override public void resume() { if (response != null) response.resume(); }
        @Override public void cancel() { request.reset(); }
    }

    // ---- embeddings ----------------------------------------------------------------------

    @Override
    public Future<Embeddings> embed(EmbeddingCall call) {
        ObjectNode b = Json.object();
        b.setAll(call.body());
        b.put("model", call.deployment().upstreamModel());
        b.put("encoding_format", "float");
        return exchange("/embeddings", call.requestId(), Json.writeBuffer(b), this::toEmbeddings);
    }

    private Embeddings toEmbeddings(Buffer bytes) {
        JsonNode node = parseOk(bytes);
        JsonNode data = node.path("data");
        if (!data.isArray()) throw protocol("answered embeddings without 'data'");
        float[][] vectors = new float[data.size()][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            if (index < 0 || index >= vectors.length) throw protocol("answered an embedding with a bad index");
            JsonNode e = item.get("embedding");
            if (e != null && e.isArray()) {
                float[] v = new float[e.size()];
                for (int i = 0; i < v.length; i++) v[i] = (float) e.get(i).asDouble();
                vectors[index] = v;
            } else if (e != null && e.isTextual()) { // a server that answered base64 anyway
                ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(e.asText())).order(ByteOrder.LITTLE_ENDIAN);
                float[] v = new float[bb.remaining() / 4];
                bb.asFloatBuffer().get(v);
                vectors[index] = v;
            } else throw protocol("answered an embedding without a vector");
        }
        List<float[]> list = new ArrayList<>(vectors.length);
        for (float[] v : vectors) {
            if (v == null) throw protocol("answered fewer embeddings than inputs");
            list.add(v);
        }
        long prompt = node.path("usage").path("prompt_tokens").asLong(0);
        return new Embeddings(list, new Usage(prompt, 0, 0, 0));
    }

    // ---- request building ----------------------------------------------------------------

    /** The body to send: the client's fields, with the upstream model name and this server's quirks applied. */
    ObjectNode toUpstream(GenerationCall call) {
        ObjectNode b = Json.object();
        b.setAll(call.body()); // shallow copy: the original is reused by fallback attempts
        b.put("model", call.deployment().upstreamModel());
        if (call.stream() && dialect.sendStreamOptions()) {
            ObjectNode so = Json.object();
            if (call.body().get("stream_options") instanceof ObjectNode orig) so.setAll(orig);
            // Always written explicitly: vLLM defaults a present-but-silent include_usage to true.
            so.put("include_usage", dialect.streamUsage() || call.clientWantsUsage());
            b.set("stream_options", so);
        } else {
            b.remove("stream_options");
        }
        if (dialect.legacyMaxTokens() && b.has("max_completion_tokens") && !b.has("max_tokens")) {
            b.set("max_tokens", b.get("max_completion_tokens"));
            b.remove("max_completion_tokens");
        }
        if (dialect.developerAsSystem() && b.get("messages") instanceof ArrayNode messages) {
            ArrayNode copy = null;
            for (int i = 0; i < messages.size(); i++) {
                if (messages.get(i) instanceof ObjectNode m && "developer".equals(m.path("role").asText())) {
                    if (copy == null) copy = messages.deepCopy();
                    ((ObjectNode) copy.get(i)).put("role", "system");
                }
            }
            if (copy != null) b.set("messages", copy);
        }
        return b;
    }

    private RequestOptions options(String path, String requestId, boolean stream) {
        RequestOptions o = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host).setPort(port).setSsl(ssl)
                .setURI(prefix + path)
                .setConnectTimeout(config.timeouts().connect().toMillis())
                .setIdleTimeout(config.timeouts().idle().toMillis())
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(baseHeaders));
        o.putHeader("x-request-id", requestId);
        o.putHeader(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
        return o;
    }

    private UpstreamFailure protocol(String what) {
        return new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "Upstream provider '" + config.name() + "' " + what + ".");
    }
}
