package dev.frugal.provider;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;

/** The one way adapters send a health probe: a GET whose body is drained and ignored. */
public final class Probes {
    private Probes() {}

    /**
     * GETs {@code uri} on the backend with the adapter's own headers (its key). A non-2xx status
     * fails with the status only: the body may echo the key, so it is never quoted.
     */
    public static Future<Void> get(UpstreamHttp http, String host, int port, boolean ssl, String uri, MultiMap headers,
                                   Duration connect, Duration idle) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setSsl(ssl).setURI(uri)
                .setConnectTimeout(connect.toMillis()).setIdleTimeout(idle.toMillis())
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers).remove("content-type"));
        return http.client().request(o).compose(HttpClientRequest::send)
                .recover(t -> Future.failedFuture(new IllegalStateException(
                        Failures.transport("probe", t).kind().name().toLowerCase() + " (" + t.getClass().getSimpleName() + ")")))
                .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new IllegalStateException("HTTP " + resp.statusCode()))));
    }
}
