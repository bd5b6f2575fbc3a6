package dev.frugal.admin;

import dev.frugal.core.GatewayError;
import dev.frugal.pipeline.UsageReports;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /admin/reports/usage?from=&to=&group_by=&interval=&format=&team=}: usage and cost of
 * every team (or one, with {@code team=}). The admin key is checked by {@link AdminRoutes}'s guard
 * on {@code /admin/*}. The report itself is {@link UsageReports}'s (docs/ledger.md).
 */
@Singleton
public class ReportRoutes {
    @Inject UsageReports reports;

    void register(@Observes Router router) {
        router.get("/admin/reports/usage").handler(ctx -> reports.report(ctx::queryParam, null).onComplete(ar -> {
            HttpServerResponse resp = ctx.response();
            if (resp.closed() || resp.ended()) return;
            if (ar.failed()) {
                AdminResponses.error(ctx, ar.cause() instanceof GatewayError e ? e
                        : GatewayError.internal("The admin API failed to process the request."));
            } else {
                resp.putHeader(HttpHeaders.CONTENT_TYPE, ar.result().contentType()).end(ar.result().body());
            }
        }));
    }
}
