package dev.frugal.it;

import dev.frugal.testsupport.RequiresRedis;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged gateways, as real processes, sharing one Redis (a fresh key prefix) with
 * {@code cache: { enabled: true }}: an answer one replica stored is served by the other, byte for
 * byte; the same request from another team is not; a purge on one replica reaches the other's
 * memory tier through the purge log.
 */
@RequiresRedis
class CacheReplicasIT {
    private static final String ADMIN_KEY = "frg-it-admin-key-5b1d9e7c3a8f2046";
    private static final String A = "frg-it-cache-a-key";
    private static final String B = "frg-it-cache-b-key";

    private final String prefix = "frugal-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ":";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A running replica and its base URL. */
    private record Replica(Process process, String base, File log) {}

    @Test
    void replicasShareAnswersThroughRedisButTeamsNeverDo() throws Exception {
        Replica one = start("one"), two = start("two");
        try {
            awaitReady(one);
            awaitReady(two);
            String question = "{\"model\":\"sim-chat\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + prefix + "\"}]}";

            HttpResponse<String> first = chat(one, A, question);
            assertEquals(200, first.statusCode(), first.body());
            assertEquals("miss", header(first, "x-frugal-cache"));
            awaitRedisKeys(1);

            HttpResponse<String> fromTwo = chat(two, A, question);
            assertEquals("hit", header(fromTwo, "x-frugal-cache"), "replica two serves what replica one stored");
            assertEquals(first.body(), fromTwo.body(), "byte for byte: the simulator's answer, with its random id");

            HttpResponse<String> otherTeam = chat(two, B, question);
            assertEquals("miss", header(otherTeam, "x-frugal-cache"), "the same request from team b never gets team a's answer");
            assertNotEquals(first.body(), otherTeam.body());
            awaitRedisKeys(2);
            assertEquals("hit", header(chat(one, B, question), "x-frugal-cache"), "team b's own answer, stored by replica two");

            HttpResponse<String> purged = http.send(HttpRequest.newBuilder(URI.create(one.base() + "/admin/cache?team=team-a"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, purged.statusCode(), purged.body());
            assertTrue(purged.body().contains("\"redis_entries\":1"), purged.body());
            // replica two has team a's answer in memory since it served it; its next poll of the purge log clears it
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String seen = "hit";
            while (seen.equals("hit") && System.nanoTime() < until) {
                Thread.sleep(100);
                seen = header(chat(two, A, question), "x-frugal-cache");
            }
            assertEquals("miss", seen, "the purge reached replica two's memory");
            assertEquals("hit", header(chat(two, B, question), "x-frugal-cache"), "team b's answer was not purged");
        } finally {
            one.process().destroyForcibly();
            two.process().destroyForcibly();
            redis("EVAL", "for _,k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 0", "0", prefix + "*");
        }
    }

    private Replica start(String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        File log = new File("target/cache-replicas-it-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Dquarkus.http.port=" + port, "-Dfrugal.cache.redis.timeout=2s",
                "-Dfrugal.cache.redis.purge-poll=200ms", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log);
        pb.environment().remove("FRUGAL_DB_URL");
        pb.environment().putAll(Map.of("FRUGAL_CONFIG", Path.of("src/test/resources/it/frugal-cache.yaml").toAbsolutePath().toString(),
                "FRUGAL_DATA_DIR", Files.createTempDirectory("frugal-it-" + name).toString(),
                "FRUGAL_REDIS_URL", RequiresRedis.URL, "FRUGAL_REDIS_PREFIX", prefix, "FRUGAL_ADMIN_KEY", ADMIN_KEY));
        return new Replica(pb.start(), "http://127.0.0.1:" + port, log);
    }

    private void awaitReady(Replica r) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            assertTrue(r.process().isAlive(), "a replica exited at start; see " + r.log());
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(r.base() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return;
            } catch (Exception ignored) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("a replica did not become ready in 90 s; see " + r.log());
    }

    private HttpResponse<String> chat(Replica r, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(r.base() + "/v1/chat/completions")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElse("none");
    }

    /** Waits until Redis holds {@code n} cache entries under this test's prefix (a store follows its response). */
    private void awaitRedisKeys(int n) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (countKeys() < n) {
            if (System.nanoTime() > until) throw new AssertionError("Redis never held " + n + " cache entries");
            Thread.sleep(50);
        }
    }

    private long countKeys() throws Exception {
        String reply = redis("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", prefix + "cache:*");
        return Long.parseLong(reply.trim().substring(1)); // ":<n>"
    }

    /** One command over RESP; the raw reply. Enough for a test. */
    private static String redis(String... args) throws Exception {
        try (Socket s = new Socket("127.0.0.1", 6379)) {
            StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) cmd.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            s.getOutputStream().write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            s.setSoTimeout(5000);
            byte[] buf = new byte[256];
            int n = s.getInputStream().read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }
}
