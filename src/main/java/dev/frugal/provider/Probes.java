package dev.frugal.provider;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;


/** The one way adapters send a health probe: a GET whose body is drained and ignored. */
public final class Probes {
    private Probes() {}

    /**
     * GETs {@code uri} on the backend with the adapter's own headers (its key). A failing status
     * fails with the status only: the body may echo the key, so it is never quoted.
     */
    public static Future<Void> get(UpstreamHttp http, UpstreamEndpoint endpoint, String uri) {
        RequestOptions o = endpoint.options(HttpMethod.GET, uri, null, "application/json");
        o.getHeaders().remove("content-type");
        return http.client().request(o).compose(HttpClientRequest::send)
                .recover(t -> Future.failedFuture(new IllegalStateException(
                        Failures.transport("probe", t).kind().name().toLowerCase() + " (" + t.getClass().getSimpleName() + ")")))
                .compose(resp -> resp.body().compose(b -> answered(resp.statusCode()) ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new IllegalStateException("HTTP " + resp.statusCode()))));
    }

    /**
     * A 2xx is healthy; so are 404 and 405: the server answered and only lacks the model list
     * (some OpenAI-compatible servers), which says nothing of its completions. 401/403 (a bad key),
     * 429 and 5xx are failures: real calls would fail the same way.
     */
    static boolean answered(int status) {
        return status / 100 == 2 || status == 404 || status == 405;
    }
}
