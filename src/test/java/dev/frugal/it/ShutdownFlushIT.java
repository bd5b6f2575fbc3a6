package dev.frugal.it;

import dev.frugal.testsupport.RequiresPostgres;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged gateway, as a real process on the embedded H2 file, gets SIGTERM while it serves
 * streams under load: every response it served has its ledger row when the process has exited.
 */
class ShutdownFlushIT {
    private static final String KEY = "frg-it-shutdown-key";

    @Test
    void sigtermUnderLoadLosesNoLedgerRowOnTheEmbeddedDatabase() throws Exception {
        Path data = Files.createTempDirectory("frugal-it-data");
        sigtermUnderLoad(Map.of("FRUGAL_DATA_DIR", data.toString()), "jdbc:h2:file:" + data.resolve("frugal")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa");
    }

    @Test
    @RequiresPostgres
    void sigtermUnderLoadLosesNoLedgerRowOnPostgresql() throws Exception {
        String schema = "it_" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        String url = RequiresPostgres.URL + "?currentSchema=" + schema;
        try (Connection c = DriverManager.getConnection(RequiresPostgres.URL, RequiresPostgres.USER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        try {
            sigtermUnderLoad(Map.of("FRUGAL_DB_URL", url, "FRUGAL_DB_USER", RequiresPostgres.USER,
                    "FRUGAL_DATA_DIR", Files.createTempDirectory("frugal-it-data").toString()), url, RequiresPostgres.USER);
        } finally {
            try (Connection c = DriverManager.getConnection(RequiresPostgres.URL, RequiresPostgres.USER, "");
                 Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** Runs the packaged gateway with {@code env}, loads it, sends SIGTERM, then counts its ledger rows at {@code jdbcUrl}. */
    private void sigtermUnderLoad(Map<String, String> env, String jdbcUrl, String user) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        File log = new File("target/shutdown-flush-it.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Dquarkus.http.port=" + port, "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("FRUGAL_CONFIG", Path.of("src/test/resources/it/frugal.yaml").toAbsolutePath().toString());
        pb.environment().put("FRUGAL_SHUTDOWN_GRACE", "20s");
        pb.environment().remove("FRUGAL_DB_URL");
        pb.environment().putAll(env);
        Process app = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        try {
            awaitReady(http, base, app);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger served = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                running.add(clients.submit(() -> {
                    while (!stop.get()) {
                        started.incrementAndGet();
                        if (!stream(http, base)) return; // refused: the gateway is shutting down
                        served.incrementAndGet();
                    }
                }));
            }
            Thread.sleep(2500); // a few waves of half-second streams
            long signalled = System.nanoTime();
            app.destroy(); // SIGTERM
            assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the gateway exits");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            // new requests are refused, so the running streams (~0.5 s) drain well before the 20 s grace ends
            assertTrue(tookMs < 15_000, "exited in " + tookMs + " ms: new requests kept it from draining; see " + log);
            stop.set(true);
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));

            assertTrue(served.get() >= 32, "load was served before the signal: " + served.get());
            try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM ledger WHERE status = 200 AND team = 'it'")) {
                rs.next();
                assertEquals(served.get(), rs.getLong(1), "one ledger row per response served; see " + log);
            }
            String output = Files.readString(log.toPath());
            assertFalse(output.contains("Ledger rows dropped"), "no row dropped at shutdown; see " + log);
            assertFalse(output.contains("Timed out waiting for graceful shutdown"), "drained within the grace period; see " + log);
        } finally {
            app.destroyForcibly();
        }
    }

    /** One streamed chat completion; true when it was served to its end ([DONE]). */
    private static boolean stream(HttpClient http, String base) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim-chat\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"count to sixty\"}]}"))
                .timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("data: [DONE]");
        } catch (Exception e) {
            return false;
        }
    }

    private static void awaitReady(HttpClient http, String base, Process app) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            assertTrue(app.isAlive(), "the gateway exited at start; see target/shutdown-flush-it.log");
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (Exception ignored) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the gateway did not become ready in 90 s");
    }
}
