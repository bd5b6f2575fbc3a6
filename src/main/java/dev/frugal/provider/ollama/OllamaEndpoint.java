package dev.frugal.provider.ollama;

import dev.frugal.config.ProviderConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Map;

/**
 * Where and how to reach one Ollama server: host, port, TLS, path prefix, headers and deadlines
 * from its {@link ProviderConfig}. Shared by the adapter and model discovery. Immutable.
 *
 * @param secret the credential sent as a bearer token (Ollama itself needs none; ollama.com or an
 *               authenticating proxy in front of a box does), or null
 */
record OllamaEndpoint(String provider, String host, int port, boolean ssl, String prefix, String secret,
                      MultiMap headers, ProviderConfig.Timeouts timeouts) {

    static OllamaEndpoint of(ProviderConfig config) {
        URI u = config.baseUrl();
        boolean ssl = "https".equals(u.getScheme());
        String secret = config.apiKey() == null ? null : config.apiKey().reveal();
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set(HttpHeaders.CONTENT_TYPE, "application/json");
        if (secret != null) h.set(HttpHeaders.AUTHORIZATION, "Bearer " + secret);
        for (Map.Entry<String, String> e : config.headers().entrySet()) h.set(e.getKey(), e.getValue());
        return new OllamaEndpoint(config.name(), u.getHost(), u.getPort() > 0 ? u.getPort() : (ssl ? 443 : 80), ssl,
                u.getRawPath() == null ? "" : u.getRawPath(), secret, h, config.timeouts());
    }

    /** Options of one request to {@code path} below the base URL. */
    RequestOptions options(HttpMethod method, String path, String requestId, String accept) {
        RequestOptions o = new RequestOptions()
                .setMethod(method)
                .setHost(host).setPort(port).setSsl(ssl)
                .setURI(prefix + path)
                .setConnectTimeout(timeouts.connect().toMillis())
                .setIdleTimeout(timeouts.idle().toMillis())
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers));
        if (requestId != null) o.putHeader("x-request-id", requestId);
        o.putHeader(HttpHeaders.ACCEPT, accept);
        return o;
    }
}
