package dev.frugal.provider.azure;

import dev.frugal.provider.Credentials;
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
 * Adapter for Azure OpenAI (provider-protocols.md §8.1), in either API style: the dated one
 * (deployment in the path, {@code api-version} query) when the provider sets {@code api-version},
 * the v1 one otherwise. Authenticates with the {@code api-key} header. Azure answers in OpenAI's
 * format, so the I/O and response mapping are {@link OpenAiWire}'s (which drops Azure's
 * content-filter chunks); only addressing, authentication and error quirks live here. Never retries.
 */
final class AzureAdapter implements ChatCapable, CompletionsCapable, EmbeddingCapable, Probeable {
    private final String apiVersion;
    private final OpenAiWire wire;

    AzureAdapter(ProviderConfig config, UpstreamHttp http, Clock clock) {
        this.apiVersion = config.apiVersion();
        String secret = config.apiKey() == null ? null : config.apiKey().reveal();
        // Azure's key header; without a key, a configured Authorization header (Entra ID) is the credential.
        UpstreamEndpoint endpoint = UpstreamEndpoint.of(config, secret == null ? Map.of() : Map.of("api-key", secret));
        String provider = config.name();
        Credentials secrets = Credentials.of(config);
        this.wire = new OpenAiWire(provider, endpoint, http, secrets,
                (status, headers, body) -> AzureErrorMapper.toFailure(provider, status, headers, body, secrets, clock));
    }

    @Override public Future<Completion> chat(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> chatStream(GenerationCall call) { return stream(call); }

    @Override public Future<Completion> complete(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> completeStream(GenerationCall call) { return stream(call); }

    private Future<Completion> whole(GenerationCall call) {
        return wire.whole(path(call.operation().path(), call.deployment().upstreamModel()), call,
                Json.writeBuffer(AzureRequests.toAzure(call)));
    }

    private Future<ChunkStream> stream(GenerationCall call) {
        return wire.stream(path(call.operation().path(), call.deployment().upstreamModel()), call,
                Json.writeBuffer(AzureRequests.toAzure(call)));
    }

    @Override
    public Future<Embeddings> embed(EmbeddingCall call) {
        return wire.embed(path("/embeddings", call.deployment().upstreamModel()), call,
                Json.writeBuffer(AzureRequests.embeddingsToAzure(call)));
    }

    private String path(String operationPath, String deployment) {
        return AzureRequests.path(apiVersion, operationPath, deployment);
    }

    /** The resource's model list in its API style: {@code /openai/v1/models}, or {@code /openai/models?api-version=…}. */
    @Override
    public Future<Void> probe() {
        return wire.probe(apiVersion == null ? "/openai/v1/models"
                : "/openai/models?api-version=" + java.net.URLEncoder.encode(apiVersion, java.nio.charset.StandardCharsets.UTF_8));
    }
}
