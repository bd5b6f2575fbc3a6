package dev.frugal.provider;

import dev.frugal.config.ProviderConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.Map;

/**
 * Where and how to reach one upstream: host, port, TLS, the base URL's path, the headers of every
 * request (the protocol's credential and version headers, then the config's extra headers) and
 * the provider's connect and idle deadlines. Shared by every HTTP adapter. Immutable.
 *
 * @param prefix   the base URL's path without a trailing slash ("" for none)
 * @param probeUrl the configured health-probe URL ({@code providers[].probe-url}), or null for the protocol's own
 */
public record UpstreamEndpoint(String host, int port, boolean ssl, String prefix, MultiMap headers,
                               ProviderConfig.Timeouts timeouts, URI probeUrl) {

    /** @param protocolHeaders the protocol's own headers (e.g. {@code x-api-key}); the config's headers are added after them */
    public static UpstreamEndpoint of(ProviderConfig config, Map<String, String> protocolHeaders) {
        URI u = config.baseUrl();
        boolean ssl = "https".equals(u.getScheme());
        String prefix = u.getRawPath() == null ? "" : u.getRawPath();
        while (prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        h.set(HttpHeaders.CONTENT_TYPE, "application/json");
        protocolHeaders.forEach(h::set);
        config.headers().forEach(h::set);
        return new UpstreamEndpoint(u.getHost(), u.getPort() > 0 ? u.getPort() : (ssl ? 443 : 80), ssl, prefix, h, config.timeouts(),
                config.probeUrl());
    }

    /** Options of one attempt's request to {@code uri}: its request id and, when traced, its {@code traceparent}. */
    public RequestOptions options(HttpMethod method, String uri, UpstreamCall call, String accept) {
        RequestOptions o = options(method, uri, call.requestId(), accept);
        if (call.traceparent() != null) o.putHeader("traceparent", call.traceparent());
        return o;
    }

    /** Options of one request to {@code uri} (a full path, usually {@code prefix() + path}). */
    public RequestOptions options(HttpMethod method, String uri, String requestId, String accept) {
        RequestOptions o = new RequestOptions()
                .setMethod(method)
                .setHost(host).setPort(port).setSsl(ssl)
                .setURI(uri)
                .setConnectTimeout(timeouts.connect().toMillis())
                .setIdleTimeout(timeouts.idle().toMillis())
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers));
        if (requestId != null) o.putHeader("x-request-id", requestId);
        o.putHeader(HttpHeaders.ACCEPT, accept);
        return o;
    }
}
