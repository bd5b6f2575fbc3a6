package dev.frugal.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged gateway, as a real process: a weak {@code FRUGAL_ADMIN_KEY} stops the start with a
 * message naming the variable and the rule, never the key; a strong one turns the admin API on and
 * is not printed either.
 */
class AdminKeyStartIT {
    private static final String WEAK = "frg-weak-admin-key"; // 18 characters
    private static final String STRONG = "frg-it-admin-key-5b1d9e7c3a8f2046";

    @Test
    void aWeakAdminKeyStopsTheStartWithAMessageThatNamesTheVariableButNotTheKey() throws Exception {
        File log = new File("target/admin-key-weak-it.log");
        Process app = start(WEAK, freePort(), log);
        try {
            assertTrue(app.waitFor(90, TimeUnit.SECONDS), "the gateway must refuse to start; see " + log);
            assertNotEquals(0, app.exitValue(), "exit status; see " + log);
            String output = Files.readString(log.toPath());
            assertTrue(output.contains("FRUGAL_ADMIN_KEY (frugal.admin.key) is too weak: it is shorter than 32 characters"), output);
            assertTrue(output.contains("openssl rand -hex 32"), output);
            assertFalse(output.contains(WEAK), "the key is printed; see " + log);
        } finally {
            app.destroyForcibly();
        }
    }

    @Test
    void aStrongAdminKeyTurnsTheAdminApiOnAndIsNeverPrinted() throws Exception {
        File log = new File("target/admin-key-strong-it.log");
        int port = freePort();
        Process app = start(STRONG, port, log);
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int status = -1;
            while (System.nanoTime() < until && status != 200) {
                assertTrue(app.isAlive(), "the gateway exited at start; see " + log);
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/teams"))
                            .header("Authorization", "Bearer " + STRONG).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (Exception notListeningYet) {
                    Thread.sleep(200);
                }
            }
            assertEquals(200, status, "see " + log);
            app.destroy();
            assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            String output = Files.readString(log.toPath());
            assertTrue(output.contains("Admin API on; admin key id "), output);
            assertFalse(output.contains(STRONG.substring(4)), "the key is printed; see " + log);
        } finally {
            app.destroyForcibly();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    private static Process start(String adminKey, int port, File log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Dquarkus.http.port=" + port, "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("FRUGAL_CONFIG", Path.of("src/test/resources/it/frugal.yaml").toAbsolutePath().toString());
        pb.environment().put("FRUGAL_DATA_DIR", Files.createTempDirectory("frugal-it-data").toString());
        pb.environment().remove("FRUGAL_DB_URL");
        pb.environment().put("FRUGAL_ADMIN_KEY", adminKey);
        return pb.start();
    }
}
