package dev.frugal.pipeline;

import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.ledger.ReportFormat;
import dev.frugal.ledger.ReportQuery;
import dev.frugal.ledger.ReportRow;
import dev.frugal.ledger.Reports;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.function.Function;

/**
 * Usage reports for both doors, {@code GET /admin/reports/usage} and {@code GET /v1/usage}:
 * validates the query parameters, runs the query on a thread of the database's reports (never the
 * event loop; {@link Database#reports()}: a few at a time, each within {@code frugal.db.report-timeout}),
 * and formats JSON or CSV (docs/ledger.md). Authentication is the door's job.
 */
@Singleton
public class UsageReports {
    private static final Logger LOG = Logger.getLogger(UsageReports.class);

    @Inject Reports reports;
    @Inject Database database;

    /** A report as the client gets it. */
    public record Report(String contentType, Buffer body) {}

    /**
     * One report. {@code team}: null lets the caller choose with {@code team=} (admin); a team
     * name restricts the report to it and refuses {@code team=} (a team key). Fails with a
     * {@link GatewayError}: 400 naming the bad {@code param}, 503 {@code database_unavailable} when the
     * database does not answer in time or cannot be reached, 500 when it fails otherwise.
     *
     * @param params all values given for a query parameter (empty when absent)
     */
    public Future<Report> report(Function<String, List<String>> params, String team) {
        ReportQuery query;
        boolean csv;
        try {
            query = reports.parse(params::apply, team == null, team);
            csv = csv(params.apply("format"));
        } catch (GatewayError e) {
            return Future.failedFuture(e);
        } catch (IllegalArgumentException e) { // a query string that does not decode
            return Future.failedFuture(GatewayError.invalidRequest("The query string is malformed.", null));
        }
        record Read(List<ReportRow> rows, List<Reports.ShadowRow> shadow) {}
        return database.reports().run(() -> new Read(reports.run(query), csv ? List.of() : reports.shadow(query))).transform(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof GatewayError e) return Future.failedFuture(e); // database_unavailable
                LOG.errorf("Usage report failed: %s", ar.cause().toString());
                return Future.failedFuture(GatewayError.internal("The usage report could not be read from the database."));
            }
            return Future.succeededFuture(csv
                    ? new Report("text/csv; charset=utf-8", Buffer.buffer(ReportFormat.csv(query, ar.result().rows())))
                    : new Report("application/json", Json.writeBuffer(ReportFormat.json(query, ar.result().rows(), ar.result().shadow()))));
        });
    }

    private static boolean csv(List<String> format) {
        if (format.isEmpty()) return false;
        if (format.size() == 1 && "json".equals(format.get(0))) return false;
        if (format.size() == 1 && "csv".equals(format.get(0))) return true;
        throw GatewayError.invalidRequest("'format' must be json or csv.", "format");
    }
}
