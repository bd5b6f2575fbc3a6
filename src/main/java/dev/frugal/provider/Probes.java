package dev.frugal.provider;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.function.IntPredicate;


/** The one way adapters send a health probe: a GET whose body is drained and ignored. */
public final class Probes {
    private Probes() {}

    /**
     * Probes the backend: GETs the provider's configured {@code probe-url} if it has one — which
     * must answer 2xx — else {@code defaultUri} (the protocol's free model list, a full path on the
     * base URL's host), where 404 and 405 pass too (see {@link #answered}). The adapter's own
     * headers (its key) go along, but only to the base URL's own scheme, host and port: a probe
     * URL elsewhere gets no credentials. A failing status fails with the status only: the body
     * may echo the key, so it is never quoted.
     */
    public static Future<Void> probe(UpstreamHttp http, UpstreamEndpoint endpoint, String defaultUri) {
        URI custom = endpoint.probeUrl();
        if (custom == null) return get(http, endpoint.options(HttpMethod.GET, defaultUri, (String) null, "application/json"), Probes::answered);
        return get(http, options(endpoint, custom), status -> status / 100 == 2);
    }

    private static Future<Void> get(UpstreamHttp http, RequestOptions o, IntPredicate healthy) {
        o.getHeaders().remove("content-type");
        return http.request(o).compose(HttpClientRequest::send)
                .recover(t -> Future.failedFuture(new IllegalStateException(
                        Failures.transport("probe", t).kind().name().toLowerCase() + " (" + t.getClass().getSimpleName() + ")")))
                .compose(resp -> resp.body().compose(b -> healthy.test(resp.statusCode()) ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new IllegalStateException("HTTP " + resp.statusCode()))));
    }

    /** The GET of a configured probe URL: with the provider's headers on its own origin, with none elsewhere. */
    static RequestOptions options(UpstreamEndpoint endpoint, URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String uri = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        boolean ssl = "https".equals(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : (ssl ? 443 : 80);
        if (ssl == endpoint.ssl() && port == endpoint.port() && url.getHost().equalsIgnoreCase(endpoint.host())) {
            return endpoint.options(HttpMethod.GET, uri, (String) null, "application/json");
        }
        return new RequestOptions().setMethod(HttpMethod.GET).setHost(url.getHost()).setPort(port).setSsl(ssl).setURI(uri)
                .setConnectTimeout(endpoint.timeouts().connect().toMillis())
                .setIdleTimeout(endpoint.timeouts().idle().toMillis())
                .putHeader(HttpHeaders.ACCEPT, "application/json");
    }

    /**
     * For the protocol's own model list: a 2xx is healthy; so are 404 and 405: the server answered
     * and only lacks the model list (some OpenAI-compatible servers), which says nothing of its
     * completions. 401/403 (a bad key), 429 and 5xx are failures: real calls would fail the same
     * way. A configured probe URL was chosen by the admin to answer, so only 2xx passes there.
     */
    static boolean answered(int status) {
        return status / 100 == 2 || status == 404 || status == 405;
    }
}
