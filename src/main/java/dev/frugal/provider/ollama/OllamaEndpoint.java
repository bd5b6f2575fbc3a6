package dev.frugal.provider.ollama;

import dev.frugal.provider.Credentials;
import dev.frugal.config.ProviderConfig;
import dev.frugal.provider.UpstreamEndpoint;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.Map;

/**
 * One Ollama server: the shared endpoint plus its name and credential. Shared by the adapter and
 * model discovery. Immutable.
 *
 * @param secret the credential sent as a bearer token (Ollama itself needs none; ollama.com or an
 *               authenticating proxy in front of a box does), or null
 */
record OllamaEndpoint(String provider, Credentials secret, UpstreamEndpoint upstream) {

    static OllamaEndpoint of(ProviderConfig config) {
        String secret = config.apiKey() == null ? null : config.apiKey().reveal();
        return new OllamaEndpoint(config.name(), Credentials.of(config),
                UpstreamEndpoint.of(config, secret == null ? Map.of() : Map.of("Authorization", "Bearer " + secret)));
    }

    /** Options of one attempt's request to {@code path} below the base URL. */
    RequestOptions options(HttpMethod method, String path, dev.frugal.provider.UpstreamCall call, String accept) {
        return upstream.options(method, upstream.prefix() + path, call, accept);
    }

    /** Options of one request to {@code path} below the base URL. */
    RequestOptions options(HttpMethod method, String path, String requestId, String accept) {
        return upstream.options(method, upstream.prefix() + path, requestId, accept);
    }
}
