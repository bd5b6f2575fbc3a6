package dev.frugal.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Answers a usage-report HTTP request for both doors, {@code GET /admin/reports/usage} (admin.ReportRoutes)
 * and {@code GET /v1/usage} (api.UsageRoutes): validates the query parameters, runs the query on a
 * worker thread (never the event loop), and writes JSON or CSV, or an OpenAI-shaped error naming
 * the bad {@code param}. Authentication is the caller's job.
 */
@Singleton
public class ReportEndpoint {
    private static final Logger LOG = Logger.getLogger(ReportEndpoint.class);

    @Inject Reports reports;
    @Inject Vertx vertx;

    /**
     * Serves one report request. {@code team}: null lets the caller choose with {@code team=} (admin);
     * a team name restricts the report to it and refuses {@code team=} (a team key). {@code done}
     * gets the HTTP status answered.
     */
    public void serve(RoutingContext ctx, String team, IntConsumer done) {
        HttpServerResponse resp = ctx.response();
        ReportQuery query;
        boolean csv;
        try {
            Reports.Params params = ctx::queryParam;
            query = reports.parse(params, team == null, team);
            csv = csv(params.all("format"));
        } catch (GatewayError e) {
            error(resp, e);
            done.accept(e.status());
            return;
        } catch (IllegalArgumentException e) { // a query string that does not decode
            GatewayError bad = GatewayError.invalidRequest("The query string is malformed.", null);
            error(resp, bad);
            done.accept(bad.status());
            return;
        }
        vertx.executeBlocking(() -> reports.run(query), false).onComplete(ar -> {
            if (resp.closed() || resp.ended()) { done.accept(499); return; }
            if (ar.failed()) {
                LOG.errorf("Usage report failed: %s", ar.cause().toString());
                error(resp, GatewayError.internal("The usage report could not be read from the database."));
                done.accept(500);
                return;
            }
            if (csv) {
                resp.putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8").end(ReportFormat.csv(query, ar.result()));
            } else {
                resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Json.writeBuffer(ReportFormat.json(query, ar.result())));
            }
            done.accept(200);
        });
    }

    private static boolean csv(List<String> format) {
        if (format.isEmpty()) return false;
        if (format.size() == 1 && "json".equals(format.get(0))) return false;
        if (format.size() == 1 && "csv".equals(format.get(0))) return true;
        throw GatewayError.invalidRequest("'format' must be json or csv.", "format");
    }

    private static void error(HttpServerResponse resp, GatewayError e) {
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error").put("message", e.getMessage()).put("type", e.type());
        if (e.param() == null) err.putNull("param"); else err.put("param", e.param());
        if (e.code() == null) err.putNull("code"); else err.put("code", e.code());
        Buffer body = Json.writeBuffer(root);
        resp.setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
