package dev.frugal.provider.ollama;

import dev.frugal.provider.UpstreamCall;
import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.Ids;
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
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.UpstreamStream;
import dev.frugal.wire.Json;
import dev.frugal.wire.NdjsonDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
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
    private final Credentials secret;
    private final Clock clock;

    /** @param clock the {@code created} time of answers, and now for a {@code retry-after} date */
    OllamaAdapter(ProviderConfig config, UpstreamHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
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
        long created = clock.instant().getEpochSecond();
        return exchange("/api/chat", call, Json.writeBuffer(body), bytes -> {
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
        OllamaStreamMapper mapper = new OllamaStreamMapper(provider, secret, Ids.random("chatcmpl-", 24),
                clock.instant().getEpochSecond(), call.clientWantsUsage(), CALL_IDS, call.deployment());
        return UpstreamStream.open(http, endpoint.options(HttpMethod.POST, "/api/chat", call, "application/x-ndjson"),
                body, provider, new UpstreamStream.Protocol() {
            private Consumer<String> emit;
            private final NdjsonDecoder decoder = new NdjsonDecoder(line -> mapper.map(line).forEach(emit));

            @Override public boolean isStream(String type) { return type != null && type.contains("json"); }

            @Override public UpstreamFailure notAStream(int status, MultiMap headers, String type, Buffer b) {
                return status != 200 ? OllamaErrorMapper.toFailure(provider, status, headers, b, secret, clock)
                        : OllamaResponseMapper.protocol(provider, "answered HTTP 200 with content type '" + type + "' instead of NDJSON");
            }

            @Override public void feed(Buffer bytes, Consumer<String> emit) {
                this.emit = emit;
                decoder.feed(bytes);
            }

            @Override public List<String> end() {
                String rest = decoder.end();
                List<String> chunks = rest == null ? List.of() : mapper.mapUnterminated(rest);
                mapper.atEnd();
                return chunks;
            }

            @Override public Usage usage() { return mapper.usage(); }
        });
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
        return exchange("/api/embed", call, Json.writeBuffer(body), bytes -> {
            JsonNode answer = parseOk(bytes);
            if (answer.has("error")) throw OllamaErrorMapper.inBand(provider, answer.get("error"), secret);
            return OllamaResponseMapper.embeddings(answer, inputs, provider);
        });
    }

    // ---- plumbing ------------------------------------------------------------------------

    /** One non-streamed request: the mapped 200 body, or the classified failure. */
    private <T> Future<T> exchange(String path, UpstreamCall call, Buffer body, Function<Buffer, T> onOk) {
        return http.request(endpoint.options(HttpMethod.POST, path, call, "application/json")).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(bytes -> {
                    if (resp.statusCode() != 200) {
                        throw OllamaErrorMapper.toFailure(provider, resp.statusCode(), resp.headers(), bytes, secret, clock);
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
        return Probes.probe(http, endpoint.upstream(), endpoint.upstream().prefix() + "/api/tags");
    }
}
