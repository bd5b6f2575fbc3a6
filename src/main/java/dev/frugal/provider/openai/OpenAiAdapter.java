package dev.frugal.provider.openai;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ProviderConfig;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.CompletionsCapable;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.Embeddings;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.UpstreamEndpoint;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.Probeable;
import dev.frugal.provider.openaiwire.OpenAiWire;
import dev.frugal.wire.Json;
import io.vertx.core.Future;

import java.time.Clock;
import java.util.Map;

/**
 * Adapter for any OpenAI-compatible server. It applies the server family's request quirks
 * ({@link Dialect}) and leaves the I/O and response mapping to {@link OpenAiWire}; it never
 * retries. Unknown request fields are passed through untouched.
 */
final class OpenAiAdapter implements ChatCapable, CompletionsCapable, EmbeddingCapable, Probeable {
    private final Dialect dialect;
    private final OpenAiWire wire;

    OpenAiAdapter(ProviderConfig config, UpstreamHttp http, Clock clock) {
        this.dialect = Dialect.of(config.dialect());
        String secret = config.apiKey() == null ? null : config.apiKey().reveal();
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(config, secret == null ? Map.of() : Map.of("Authorization", "Bearer " + secret));
        Credentials secrets = Credentials.of(config);
        this.wire = new OpenAiWire(config.name(), endpoint, http, secrets, OpenAiWire.standardErrors(config.name(), secrets, clock));
    }

    @Override public Future<Completion> chat(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> chatStream(GenerationCall call) { return stream(call); }

    @Override public Future<Completion> complete(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> completeStream(GenerationCall call) { return stream(call); }

    private Future<Completion> whole(GenerationCall call) {
        return wire.whole(call.operation().path(), call, Json.writeBuffer(toUpstream(call)));
    }

    private Future<ChunkStream> stream(GenerationCall call) {
        return wire.stream(call.operation().path(), call, Json.writeBuffer(toUpstream(call)));
    }

    @Override
    public Future<Embeddings> embed(EmbeddingCall call) {
        ObjectNode b = Json.object();
        b.setAll(call.body());
        b.put("model", call.deployment().upstreamModel());
        b.put("encoding_format", "float");
        return wire.embed("/embeddings", call, Json.writeBuffer(b));
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

    /** GET {base-url}/models: free on every OpenAI-compatible server. */
    @Override
    public Future<Void> probe() { return wire.probe("/models"); }
}
