package dev.frugal.api;

import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.UsageReports;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /v1/usage?from=&to=&group_by=&interval=&format=}: a team's own usage report,
 * authenticated by its key like {@code /v1/models}. The team is the key's; {@code team=} is refused,
 * so no team can read another's. Registered from its own observer, so before the {@code /v1/*}
 * catch-all that {@link OpenAiRoutes} adds last.
 */
@Singleton
public class UsageRoutes {
    @Inject HttpEdge edge;
    @Inject UsageReports reports;

    void register(@Observes Router router) {
        router.get("/v1/usage").handler(ctx -> {
            Exchange ex = edge.authenticated(ctx, "usage", OpenAiRoutes.STYLE);
            if (ex == null) return;
            HttpServerResponse resp = ctx.response();
            reports.report(ctx::queryParam, ex.team().name()).onComplete(ar -> {
                if (ar.failed()) {
                    edge.fail(ex, resp, ar.cause(), OpenAiRoutes.STYLE);
                } else if (resp.closed() || resp.ended()) {
                    ex.delivered(499);
                } else {
                    resp.putHeader(HttpHeaders.CONTENT_TYPE, ar.result().contentType()).end(ar.result().body());
                    ex.delivered(200);
                }
            });
        });
    }
}
