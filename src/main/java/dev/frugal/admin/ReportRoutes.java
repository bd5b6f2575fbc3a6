package dev.frugal.admin;

import dev.frugal.ledger.ReportEndpoint;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code GET /admin/reports/usage?from=&to=&group_by=&interval=&format=&team=}: usage and cost of
 * every team (or one, with {@code team=}). The admin key is checked by {@link AdminRoutes}'s guard
 * on {@code /admin/*}. The report itself is {@link ReportEndpoint}'s (docs/ledger.md).
 */
@ApplicationScoped
public class ReportRoutes {
    @Inject ReportEndpoint reports;

    void register(@Observes Router router) {
        router.get("/admin/reports/usage").handler(ctx -> reports.serve(ctx, null, status -> { }));
    }
}
