package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.wire.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The audit trail in the database ({@link AuditStore}), and {@code GET /admin/audit}, which reads
 * it (behind {@link AdminRoutes}'s admin-key guard; the query runs on a thread of the database's
 * calls, {@link Database#calls()}).
 *
 * <p>A record is written after its change, on the same worker thread. Should the database refuse
 * it, the change stands (it is already made) and the whole record is logged at ERROR level instead,
 * so it is not lost. Thread-safe.
 */
@Singleton
public class AuditLog implements AuditTrail {
    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    /** Field names dropped from {@code before} and {@code after} at any depth, whatever a caller passes. */
    static final Set<String> SECRET_FIELDS = Set.of("key", "key_hash", "secret", "api_key", "api-key", "password", "authorization");

    @Inject Database database;
    @Inject TimeSource time;

    private volatile AuditStore store;

    void register(@Observes Router router) {
        router.get("/admin/audit").handler(this::serve);
    }

    @Override
    public void record(Actor actor, String action, String team, String target, JsonNode before, JsonNode after) {
        AuditRecord r = new AuditRecord(0, time.instant(), actor.credential(), actor.address(), action, team, target,
                withoutSecrets(before), withoutSecrets(after));
        try {
            store().insert(r);
        } catch (SQLException | RuntimeException e) {
            String why = e instanceof SQLException s ? "SQLSTATE " + s.getSQLState() : e.getClass().getSimpleName();
            LOG.errorf("Audit record not stored (%s); the change was made: %s", why, Json.write(r.json()));
        }
    }

    /** {@code GET /admin/audit?from=&to=&team=&action=&limit=}: newest first. */
    private void serve(RoutingContext ctx) {
        AuditQuery q = AdminResponses.params(ctx, () -> AuditQuery.parse(ctx.queryParams().names(), ctx::queryParam));
        if (q == null) return;
        database.calls().run(() -> store().find(q)).onComplete(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof GatewayError e) {
                    AdminResponses.error(ctx, e); // database_unavailable
                    return;
                }
                LOG.errorf("Audit trail read failed: %s", ar.cause().toString());
                AdminResponses.error(ctx, GatewayError.internal("The audit trail could not be read from the database."));
                return;
            }
            List<AuditRecord> rows = ar.result();
            ObjectNode list = Json.object().put("object", "list");
            ArrayNode data = list.putArray("data");
            rows.stream().limit(q.limit()).forEach(r -> data.add(r.json()));
            AdminResponses.json(ctx, 200, list.put("has_more", rows.size() > q.limit()));
        });
    }

    private AuditStore store() {
        AuditStore s = store;
        if (s == null) store = s = new AuditStore(database.callerDataSource());
        return s;
    }

    /** A copy of {@code state} without fields named like secrets, at any depth. */
    static JsonNode withoutSecrets(JsonNode state) {
        if (state == null || state.isNull()) return null;
        JsonNode copy = state.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> secret = new ArrayList<>();
            o.fieldNames().forEachRemaining(f -> { if (SECRET_FIELDS.contains(f.toLowerCase(Locale.ROOT))) secret.add(f); });
            o.remove(secret);
        }
        node.forEach(AuditLog::strip);
    }
}
