package dev.frugal.provider.gemini;

import dev.frugal.provider.UpstreamCall;
import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.Embeddings;
import dev.frugal.provider.Failures;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Probeable;
import dev.frugal.provider.Probes;
import dev.frugal.provider.UpstreamEndpoint;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.UpstreamStream;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Adapter for Google's Gemini API (provider-protocols.md §5): {@code :generateContent},
 * {@code :streamGenerateContent?alt=sse}, {@code :embedContent} and {@code :batchEmbedContents}
 * below {@code {base-url}/v1beta/models/{model}}. The key travels in the {@code x-goog-api-key}
 * header, never in the URL (a {@code ?key=} would end up in access logs). I/O glue only: the
 * translation is in the mappers of this package; it never retries.
 *
 * <p>Legacy text completions are not offered: Gemini has only a chat-shaped API, and wrapping a
 * prompt as a user turn would change its meaning (§2.1), so routing skips this adapter for them.
 */
final class GeminiAdapter implements ChatCapable, EmbeddingCapable, Probeable {
    /** A base URL that already ends in an API version ({@code …/v1beta}, {@code …/v1}) keeps it. */
    private static final Pattern VERSION = Pattern.compile("v\\d+((alpha|beta)\\d*)?");

    private final ProviderConfig config;
    private final UpstreamHttp http;
    private final Clock clock;
    private final IdSource ids;
    private final UpstreamEndpoint endpoint;
    private final String basePath;
    private final Credentials secrets;

    GeminiAdapter(ProviderConfig config, UpstreamHttp http, Clock clock, IdSource ids) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.ids = ids;
        this.basePath = basePath(config.baseUrl());
        String secret = config.apiKey() == null ? null : config.apiKey().reveal();
        this.secrets = Credentials.of(config);
        this.endpoint = UpstreamEndpoint.of(config, secret == null ? Map.of() : Map.of("x-goog-api-key", secret));
    }

    // ---- chat ----------------------------------------------------------------------------

    @Override
    public Future<Completion> chat(GenerationCall call) {
        String model = call.deployment().upstreamModel();
        Buffer body;
        try {
            body = Json.writeBuffer(GeminiRequestMapper.toGemini(call.body(), model));
        } catch (UpstreamFailure f) {
            return Future.failedFuture(f);
        }
        long created = clock.millis() / 1000;
        return exchange(path(basePath, model, "generateContent", false), call, body, bytes -> {
            JsonNode node = parseOk(bytes);
            if (GeminiErrorMapper.isError(node)) throw GeminiErrorMapper.inBand(config.name(), node, secrets);
            if (!node.isObject()) throw protocol("answered HTTP 200 with a body that is not a JSON object");
            ObjectNode answer = GeminiResponseMapper.toOpenAi(config.name(), node, model, created, ids);
            Usage usage = GeminiUsage.toCore(node);
            return new Completion(Json.writeBuffer(answer), usage == null ? Usage.NONE : usage);
        });
    }

    @Override
    public Future<ChunkStream> chatStream(GenerationCall call) {
        String model = call.deployment().upstreamModel();
        Buffer body;
        try {
            body = Json.writeBuffer(GeminiRequestMapper.toGemini(call.body(), model));
        } catch (UpstreamFailure f) {
            return Future.failedFuture(f);
        }
        GeminiStreamMapper mapper = new GeminiStreamMapper(config.name(), secrets, model, clock.millis() / 1000, ids,
                call.clientWantsUsage());
        return UpstreamStream.open(http, options(path(basePath, model, "streamGenerateContent", true), call, true),
                body, config.name(), new UpstreamStream.Protocol() {
            private Consumer<String> emit;
            private final GeminiStreamDecoder decoder = new GeminiStreamDecoder(json -> {
                GeminiStreamMapper.Step step = mapper.map(json);
                if (step instanceof GeminiStreamMapper.Chunks c) c.json().forEach(emit);
                else if (step instanceof GeminiStreamMapper.Failed f) throw f.failure();
            });

            @Override public boolean isStream(String type) { return type != null && type.startsWith("text/event-stream"); }

            @Override public UpstreamFailure notAStream(int status, MultiMap headers, String type, Buffer b) {
                return GeminiAdapter.this.notAStream(status, headers, type, b);
            }

            @Override public void feed(Buffer bytes, Consumer<String> emit) {
                this.emit = emit;
                decoder.feed(bytes);
            }

            @Override public List<String> end() { return mapper.atEnd(decoder.hasIncompleteEvent()); }

            @Override public Usage usage() { return mapper.usage(); }
        });
    }

    /** The failure for a stream request that was not answered with a 200 event stream. */
    private UpstreamFailure notAStream(int status, MultiMap headers, String type, Buffer body) {
        if (status != 200) return GeminiErrorMapper.toFailure(config.name(), status, headers, body, secrets);
        try {
            JsonNode node = Json.parse(body);
            if (GeminiErrorMapper.isError(node)) return GeminiErrorMapper.inBand(config.name(), node, secrets);
        } catch (Exception notJson) {
            // fall through: not the protocol
        }
        return protocol("answered HTTP 200 with content type '" + type + "' instead of an event stream");
    }

    // ---- embeddings ----------------------------------------------------------------------

    @Override
    public Future<Embeddings> embed(EmbeddingCall call) {
        if (call.texts() == null) {
            return Future.failedFuture(GeminiRequestMapper.unsupported("Token-array input", "input"));
        }
        String model = call.deployment().upstreamModel();
        int inputs = call.texts().size();
        ObjectNode body = inputs == 1 ? GeminiEmbeddingMapper.single(call.texts().get(0), call.dimensions())
                : GeminiEmbeddingMapper.batch(resource(model), call.texts(), call.dimensions());
        String path = path(basePath, model, inputs == 1 ? "embedContent" : "batchEmbedContents", false);
        return exchange(path, call, Json.writeBuffer(body),
                bytes -> GeminiEmbeddingMapper.toCore(config.name(), parseOk(bytes), inputs));
    }

    // ---- plumbing ------------------------------------------------------------------------

    /** One non-streamed request: the mapped 200 body, or the classified failure. */
    private <T> Future<T> exchange(String path, UpstreamCall call, Buffer body, Function<Buffer, T> onOk) {
        return http.request(options(path, call, false)).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(bytes -> {
                    if (resp.statusCode() != 200) {
                        throw GeminiErrorMapper.toFailure(config.name(), resp.statusCode(), resp.headers(), bytes, secrets);
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

    private RequestOptions options(String uri, UpstreamCall call, boolean stream) {
        return endpoint.options(HttpMethod.POST, uri, call, stream ? "text/event-stream" : "application/json");
    }

    /** The path before the model: the base URL's own path plus {@code /v1beta} unless it names a version already. */
    static String basePath(URI baseUrl) {
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        String last = path.substring(path.lastIndexOf('/') + 1);
        return VERSION.matcher(last).matches() ? path : path + "/v1beta";
    }

    /** The model's resource name: {@code models/x}, or a {@code tunedModels/…} name as configured. */
    static String resource(String model) {
        return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : "models/" + model;
    }

    /** The request URI of {@code method} on {@code model}; streams ask for SSE ({@code alt=sse}), never a JSON array. */
    static String path(String basePath, String model, String method, boolean stream) {
        return basePath + "/" + encode(resource(model)) + ":" + method + (stream ? "?alt=sse" : "");
    }

    private static String encode(String resource) {
        StringBuilder sb = new StringBuilder(resource.length());
        for (byte b : resource.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) sb.append(c);
            else sb.append('%').append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    private UpstreamFailure protocol(String what) {
        return new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "Upstream provider '" + config.name() + "' " + what + ".");
    }

    /** GET /v1beta/models with x-goog-api-key: free, and it checks the key too. */
    @Override
    public Future<Void> probe() {
        return Probes.probe(http, endpoint, basePath + "/models");
    }
}
