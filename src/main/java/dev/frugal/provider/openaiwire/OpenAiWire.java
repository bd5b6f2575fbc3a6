package dev.frugal.provider.openaiwire;

import dev.frugal.provider.UpstreamCall;
import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.Embeddings;
import dev.frugal.provider.Failures;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
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

import java.nio.ByteBuffer;
import java.time.Clock;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The I/O of one upstream that speaks OpenAI's wire format (OpenAI itself, the OpenAI-compatible
 * servers, Azure OpenAI): sends a body the adapter built to a path the adapter chose, and maps
 * what comes back — whole answers, SSE streams through {@link OpenAiStreamMapper}, embeddings,
 * error bodies through the adapter's {@link ErrorMapper}. Adapters differ only in addressing,
 * authentication and request quirks, so they share this. Never retries. Thread-safe (immutable).
 */
public final class OpenAiWire {

    /** Classifies a non-200 answer; the adapter's own quirks go here (Azure's content filter). */
    @FunctionalInterface
    public interface ErrorMapper {
        UpstreamFailure toFailure(int status, MultiMap headers, Buffer body);
    }

    private final String provider;
    private final UpstreamEndpoint endpoint;
    private final UpstreamHttp http;
    private final Credentials secret;
    private final ErrorMapper errors;

    /**
     * @param endpoint where the server is, with the headers of every request (authentication, configured extras)
     * @param secret   the provider's credentials, scrubbed from every message that could reach a client
     */
    public OpenAiWire(String provider, UpstreamEndpoint endpoint, UpstreamHttp http, Credentials secret, ErrorMapper errors) {
        this.provider = provider;
        this.endpoint = endpoint;
        this.http = http;
        this.secret = secret;
        this.errors = errors;
    }

    /** The standard OpenAI error mapping for this provider; {@code clock} counts a {@code retry-after} date from now. */
    public static ErrorMapper standardErrors(String provider, Credentials secret, Clock clock) {
        return (status, headers, body) -> OpenAiErrorMapper.toFailure(provider, status, headers, body, secret, clock);
    }

    // ---- whole answers -------------------------------------------------------------------

    /**
     * A non-streamed chat or text completion; {@code path} (with any query) is appended to the base
     * URL. The call says the operation and how the deployment handles reasoning.
     */
    public Future<Completion> whole(String path, GenerationCall call, Buffer body) {
        return exchange(path, call, body, bytes -> toCompletion(bytes, call));
    }

    /** One non-streamed request: the mapped 200 body, or the classified failure. */
    private <T> Future<T> exchange(String path, UpstreamCall call, Buffer body, Function<Buffer, T> onOk) {
        return http.request(options(path, call, false)).compose(req -> req.send(body))
                .compose(resp -> resp.body().map(bytes -> {
                    if (resp.statusCode() != 200) throw errors.toFailure(resp.statusCode(), resp.headers(), bytes);
                    return onOk.apply(bytes);
                })).recover(t -> Future.failedFuture(Failures.transport(provider, t)));
    }

    private JsonNode parseOk(Buffer bytes) {
        try {
            return Json.parse(bytes);
        } catch (Exception e) {
            throw protocol("answered HTTP 200 with a body that is not JSON");
        }
    }

    private Completion toCompletion(Buffer bytes, GenerationCall call) {
        Usage plain = PlainAnswer.usageIfPlain(bytes, call.operation(), call.deployment().reasoning(), call.deployment().thinkPrefilled());
        if (plain != null) return new Completion(bytes, plain); // the common case, without a tree
        JsonNode node = parseOk(bytes);
        if (!node.isObject()) throw protocol("answered HTTP 200 with a body that is not a JSON object");
        if (node.has("error")) throw OpenAiErrorMapper.inBand(provider, node.get("error"), secret);
        if (!node.path("choices").isArray()) throw protocol("answered HTTP 200 without 'choices'");
        // a 200 with no choice is no answer: a protocol failure, so the plan falls back (issue 10)
        if (node.get("choices").isEmpty()) throw protocol("answered HTTP 200 with no choice");
        boolean changed = normalise(node, call.operation(), call.deployment().reasoning(), call.deployment().thinkPrefilled());
        Usage usage = OpenAiUsage.toCore(node);
        return new Completion(changed ? Json.writeBuffer(node) : bytes, usage == null ? Usage.NONE : usage);
    }

    /**
     * Normalises the choices of a whole answer in place — reasoning ({@link OpenAiReasoning#message}, chat only) and
     * finish reasons — and says whether anything changed. {@code node} has a {@code choices} array.
     */
    static boolean normalise(JsonNode node, Operation operation, Reasoning mode, boolean thinkPrefilled) {
        boolean changed = false;
        boolean chat = operation == Operation.CHAT;
        for (JsonNode c : node.get("choices")) {
            if (chat && c.get("message") instanceof ObjectNode message) {
                changed |= OpenAiReasoning.message(message, mode, thinkPrefilled);
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
        return changed;
    }

    // ---- streams -------------------------------------------------------------------------

    /** A streamed chat or text completion, relayed chunk by chunk through {@link OpenAiStreamMapper}. */
    public Future<ChunkStream> stream(String path, GenerationCall call, Buffer body) {
        OpenAiStreamMapper mapper = new OpenAiStreamMapper(provider, secret, call.operation(), call.clientWantsUsage(),
                call.deployment().reasoning(), call.deployment().thinkPrefilled(), call.body().path("n").asInt(1));
        return UpstreamStream.open(http, options(path, call, true), body, provider, new UpstreamStream.Protocol() {
            private Consumer<String> emit;
            private final SseDecoder decoder = new SseDecoder((event, data) -> {
                OpenAiStreamMapper.Step step = mapper.map(event, data);
                if (step instanceof OpenAiStreamMapper.Forward f) emit.accept(f.json());
                else if (step instanceof OpenAiStreamMapper.Failed f) throw f.failure();
            });

            @Override public boolean isStream(String type) { return type != null && type.startsWith("text/event-stream"); }

            @Override public UpstreamFailure notAStream(int status, MultiMap headers, String type, Buffer b) {
                return status != 200 ? errors.toFailure(status, headers, b)
                        : protocol("answered HTTP 200 with content type '" + type + "' instead of an event stream");
            }

            @Override public void feed(Buffer bytes, Consumer<String> emit) {
                this.emit = emit;
                decoder.feed(bytes);
            }

            @Override public List<String> end() {
                String synthesized = mapper.atEnd(decoder.hasIncompleteEvent());
                return synthesized == null ? List.of() : List.of(synthesized);
            }

            @Override public Usage usage() { return mapper.usage(); }
        });
    }

    // ---- embeddings ----------------------------------------------------------------------

    /** Embeddings of an OpenAI-shaped request that asked for floats. */
    public Future<Embeddings> embed(String path, UpstreamCall call, Buffer body) {
        return exchange(path, call, body, this::toEmbeddings);
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

    /** A health probe: GET of a path under the base URL (the model list), with the provider's key. */
    public Future<Void> probe(String path) {
        return Probes.probe(http, endpoint, endpoint.prefix() + path);
    }

    // ---- plumbing ------------------------------------------------------------------------

    private RequestOptions options(String path, UpstreamCall call, boolean stream) {
        return endpoint.options(HttpMethod.POST, endpoint.prefix() + path, call, stream ? "text/event-stream" : "application/json");
    }

    private UpstreamFailure protocol(String what) {
        return new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "Upstream provider '" + provider + "' " + what + ".");
    }
}
