package dev.frugal;

import dev.frugal.config.Database;
import dev.frugal.ledger.Ledger;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security page's promise in one place (docs/security.md, "Threat model"): after a session of
 * ordinary and hostile traffic — keys issued and used, wrong team and admin keys, an upstream that
 * echoes every credential it received in its error, plain and streamed — no secret appears in
 * anything an operator or a client can read: log records (all levels, with their exceptions), the
 * answers' bodies and headers, the Prometheus page, the admin and usage reports, the audit trail,
 * or any row of any table in the database.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class SecretsNeverLeakTest {
    static final String ADMIN_KEY = "frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String WRONG_ADMIN_KEY = "frg-wrong-admin-guess-7f3a9c2e5b8d1046";
    static final String WRONG_TEAM_KEY = "frg-wrong-team-guess-Qw8Er5Ty2Ui9";
    static final String E2E_KEY = "frg-test-e2e-key";
    /** From frugal-test.yaml: provider api-keys and an extra header value, which count as credentials. */
    static final List<String> PROVIDER_SECRETS = List.of("test-provider-secret-123", "extra-value", "test-anthropic-secret-456",
            "test-gemini-secret-456", "azure-test-key-0123456789");

    @Inject Database database;
    @Inject Ledger ledger;

    final List<String> seen = new CopyOnWriteArrayList<>();

    RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json").urlEncodingEnabled(false);
    }

    Response keep(Response r) {
        seen.add(r.getStatusCode() + " " + r.getHeaders() + "\n" + r.asString());
        return r;
    }

    static String chat(String model, String fixture, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + (fixture == null ? "" : ",\"fixture\":\"" + fixture + "\"")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void noSecretReachesLogsAnswersMetricsReportsAuditOrDatabase() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            final SimpleFormatter format = new SimpleFormatter();
            @Override public void publish(LogRecord r) {
                StringWriter thrown = new StringWriter();
                if (r.getThrown() != null) r.getThrown().printStackTrace(new PrintWriter(thrown));
                logged.add(r.getLoggerName() + " " + format.formatMessage(r) + " " + thrown);
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        root.addHandler(capture);
        String team = "leak-" + UUID.randomUUID().toString().substring(0, 8);
        String issued;
        try {
            keep(as(ADMIN_KEY).body("{\"name\":\"" + team + "\",\"models\":[\"fixture\",\"sim-chat\"]}").post("/admin/teams"));
            Response key = keep(as(ADMIN_KEY).body("{\"name\":\"ci\"}").post("/admin/teams/" + team + "/keys"));
            assertEquals(201, key.getStatusCode(), key.asString());
            issued = key.jsonPath().getString("key");
            seen.remove(seen.size() - 1); // the one answer that shows the key, once, by design

            // ordinary traffic with the issued key, plain and streamed, through two protocols
            assertEquals(200, keep(as(issued).body(chat("sim-chat", null, false)).post("/v1/chat/completions")).getStatusCode());
            assertEquals(200, keep(as(issued).body(chat("sim-chat", null, true)).post("/v1/chat/completions")).getStatusCode());
            keep(given().header("x-api-key", issued).header("anthropic-version", "2023-06-01").contentType("application/json")
                    .body("{\"model\":\"sim-chat\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/messages"));
            // an upstream that echoes the gateway's credentials (api-key, extra header) in its error
            int echoed = keep(as(issued).body(chat("fixture", "echo-credentials", false)).post("/v1/chat/completions")).getStatusCode();
            assertTrue(echoed >= 400, "the echoing upstream's error reaches the client as an error: " + echoed);
            keep(as(issued).body(chat("fixture", "echo-credentials", true)).post("/v1/chat/completions"));
            keep(as(E2E_KEY).body(chat("fixture", "echo-credentials", false)).post("/v1/chat/completions"));
            // hostile: wrong team key, wrong admin key, a team key on the admin API, the admin key on /v1
            for (int i = 0; i < 3; i++) keep(as(WRONG_TEAM_KEY).body(chat("sim-chat", null, false)).post("/v1/chat/completions"));
            keep(as(WRONG_ADMIN_KEY).get("/admin/teams"));
            keep(as(issued).get("/admin/teams"));
            keep(as(ADMIN_KEY).body(chat("sim-chat", null, false)).post("/v1/chat/completions"));
            // every place an operator reads
            keep(as(ADMIN_KEY).get("/admin/teams"));
            keep(as(ADMIN_KEY).get("/admin/teams/" + team + "/keys"));
            keep(as(ADMIN_KEY).get("/admin/audit"));
            keep(as(ADMIN_KEY).get("/admin/backends"));
            keep(as(ADMIN_KEY).get("/admin/reports/usage?group_by=team,model"));
            keep(as(issued).get("/v1/usage"));
            keep(as(issued).get("/v1/models"));
            keep(given().get("/q/metrics"));
            ledger.flush(Duration.ofSeconds(5));
        } finally {
            root.removeHandler(capture);
            root.setLevel(before);
        }
        String database = dumpDatabase();

        List<String> secrets = new ArrayList<>(PROVIDER_SECRETS);
        secrets.addAll(List.of(ADMIN_KEY, WRONG_ADMIN_KEY, WRONG_TEAM_KEY, issued, issued.substring(8), E2E_KEY));
        Map<String, String> places = Map.of("the log", String.join("\n", logged), "an answer", String.join("\n", seen),
                "the database", database);
        List<String> leaks = new ArrayList<>();
        for (var place : places.entrySet()) {
            for (String secret : secrets) {
                int at = place.getValue().indexOf(secret);
                if (at >= 0) {
                    String around = place.getValue().substring(Math.max(0, at - 160), Math.min(place.getValue().length(), at + 80));
                    leaks.add(secret + " in " + place.getKey() + ": …" + around + "…");
                }
            }
        }
        assertTrue(leaks.isEmpty(), "secrets leaked:\n" + String.join("\n", leaks));
        assertTrue(database.contains(team), "the dump covers the database (the new team is in it)");
        assertTrue(String.join("\n", seen).contains("bad request; you sent"), "the echoing upstream's message still reaches the client, masked");
    }

    /** Every row of every table of the gateway's schema, as text. */
    private String dumpDatabase() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = database.dataSource().getConnection()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    if (schema != null && (schema.equalsIgnoreCase("information_schema") || schema.equalsIgnoreCase("pg_catalog"))) continue;
                    tables.add((schema == null ? "" : "\"" + schema + "\".") + "\"" + rs.getString("TABLE_NAME") + "\"");
                }
            }
            assertTrue(tables.stream().anyMatch(t -> t.contains("ledger")), "tables found: " + tables);
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        out.append(table).append(':');
                        for (int i = 1; i <= columns; i++) out.append(' ').append(rs.getString(i));
                        out.append('\n');
                    }
                }
            }
        }
        return out.toString();
    }
}
