package dev.frugal.api;

import dev.frugal.testsupport.MetricsPage;
import dev.frugal.testsupport.RequiresPrometheus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code /q/metrics} answers what Prometheus and a person's curl send, in a format their parsers read, with
 * latency histograms that {@code histogram_quantile} can use and names that come out clean.
 */
@QuarkusTest
class MetricsExpositionTest {
    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** Accept header → the format served. */
    static final Map<String, String> ACCEPTS = new LinkedHashMap<>();
    static {
        ACCEPTS.put("", TEXT);                                  // no header at all
        ACCEPTS.put("*/*", TEXT);                               // curl, wget, browsers' fetch
        ACCEPTS.put("text/plain", TEXT);
        ACCEPTS.put("text/plain;version=0.0.4", TEXT);
        ACCEPTS.put("text/*", TEXT);
        ACCEPTS.put("application/json, */*;q=0.5", TEXT);
        ACCEPTS.put("application/openmetrics-text", OPENMETRICS);
        ACCEPTS.put("application/openmetrics-text; version=1.0.0", OPENMETRICS);
        ACCEPTS.put("application/openmetrics-text; version=0.0.1", OPENMETRICS);
        // Prometheus 2.x scrapes
        ACCEPTS.put("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", OPENMETRICS);
        // Prometheus 3.x scrapes
        ACCEPTS.put("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,"
                + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2", OPENMETRICS);
        // a scraper that prefers the classic format
        ACCEPTS.put("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5", TEXT);
    }

    record Page(int status, String contentType, String body) {}

    /** The page as a raw client gets it: with exactly this Accept header, or none when blank (RestAssured always sends one). */
    private static Page scrape(String accept) {
        try {
            var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/q/metrics")).timeout(Duration.ofSeconds(10));
            if (!accept.isEmpty()) req.header("Accept", accept);
            HttpResponse<String> r = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void chat(boolean stream) {
        given().header("Authorization", "Bearer frg-test-alpha-key").contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"tell me a story\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
    }

    @Test
    void everyAcceptHeaderGetsAFormatItCanRead() {
        for (var e : ACCEPTS.entrySet()) {
            Page r = scrape(e.getKey());
            assertEquals(200, r.status(), "Accept: " + e.getKey());
            assertEquals(e.getValue(), r.contentType(), "Accept: " + e.getKey());
            String body = r.body();
            assertTrue(body.contains("frugal_requests_total") || body.contains("# TYPE"), "a metrics page for Accept: " + e.getKey());
            assertEquals(e.getValue().equals(OPENMETRICS), body.stripTrailing().endsWith("# EOF"), "OpenMetrics ends with # EOF");
        }
    }

    @Test
    void aCallerThatAcceptsNeitherFormatGets406InTheOpenAiShape() {
        given().header("Accept", "application/json").get("/q/metrics").then().statusCode(406)
                .body("error.code", org.hamcrest.Matchers.equalTo("not_acceptable"));
    }

    @Test
    void latenciesAreHistogramsWithBucketsAndTokenUsageHasACleanName() {
        String[] duration = {"gen_ai_request_model=\"sim-chat\"", "team=\"alpha\""};
        MetricsPage before = MetricsPage.scrape();
        chat(false);
        chat(true);
        MetricsPage after = MetricsPage.scrape();
        double count = after.value("gen_ai_server_request_duration_seconds_count", duration)
                - before.value("gen_ai_server_request_duration_seconds_count", duration);
        assertEquals(2, count);
        double inf = after.value("gen_ai_server_request_duration_seconds_bucket", cat(duration, "le=\"+Inf\""))
                - before.value("gen_ai_server_request_duration_seconds_bucket", cat(duration, "le=\"+Inf\""));
        assertEquals(2, inf, "the +Inf bucket counts every request");
        for (String le : List.of("0.001", "0.01", "0.32", "81.92", "327.68")) {
            assertTrue(after.text().contains("le=\"" + le + "\""), "bucket " + le);
        }
        assertEquals(1, after.value("gen_ai_server_time_to_first_token_seconds_count", "gen_ai_request_model=\"sim-chat\"")
                - before.value("gen_ai_server_time_to_first_token_seconds_count", "gen_ai_request_model=\"sim-chat\""), "the stream's first token");
        assertTrue(after.value("gen_ai_server_time_to_first_token_seconds_bucket", "gen_ai_request_model=\"sim-chat\"", "le=\"60.0\"") > 0);
        assertTrue(after.value("gen_ai_server_time_per_output_token_seconds_count", "gen_ai_request_model=\"sim-chat\"")
                > before.value("gen_ai_server_time_per_output_token_seconds_count", "gen_ai_request_model=\"sim-chat\""), "time per output token");
        String[] input = {"gen_ai_request_model=\"sim-chat\"", "gen_ai_token_type=\"input\"", "team=\"alpha\""};
        assertEquals(2, after.value("gen_ai_client_token_usage_count", input) - before.value("gen_ai_client_token_usage_count", input));
        assertEquals(2, after.value("gen_ai_client_token_usage_bucket", cat(input, "le=\"+Inf\""))
                - before.value("gen_ai_client_token_usage_bucket", cat(input, "le=\"+Inf\"")));
        assertFalse(after.text().contains("__token_"), "no unit mangled into the name");
        assertFalse(after.text().contains("frugal_upstream_attempt_total"), "one attempts counter");
        assertTrue(after.text().contains("frugal_upstream_attempts_total{model=\"sim-chat\",outcome=\"success\""), after.text());
    }

    private static String[] cat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    /** Prometheus's own parsers: promtool on each format, and a real Prometheus scraping this gateway. */
    @Nested
    @RequiresPrometheus
    class PrometheusParsesIt {
        @TempDir Path dir;

        @Test
        void promtoolParsesTheTextFormatAndFindsNothingToLintInOurOwnMetrics() throws Exception {
            chat(true);
            for (var e : ACCEPTS.entrySet()) {
                if (!e.getValue().equals(TEXT)) continue;
                String body = scrape(e.getKey()).body();
                Run r = run(body, "promtool", "check", "metrics");
                assertFalse(r.out.contains("error while linting") || r.out.contains("parsing error"), r.out);
                assertTrue(r.exit == 0 || r.exit == 3, "promtool: " + r.exit + " " + r.out); // 3: lint remarks only
                List<String> ours = r.out.lines().filter(l -> l.startsWith("frugal_") || l.startsWith("gen_ai_")).toList();
                assertEquals(List.of(), ours, "lint remarks on the gateway's own metrics");
            }
        }

        @Test
        void aRealPrometheusScrapesEveryTargetAndComputesQuantilesFromTheHistograms() throws Exception {
            chat(false);
            chat(true);
            int port;
            try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global: { scrape_interval: 1s, scrape_timeout: 1s }
                    scrape_configs:
                      - job_name: frugal
                        metrics_path: /q/metrics
                        static_configs: [{ targets: ['127.0.0.1:%d'] }]
                    """.formatted(RestAssured.port));
            Process p = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + port + "/api/v1/";
                String targets = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline) {
                    try {
                        targets = get(http, base + "targets");
                        if (targets.contains("\"health\":\"up\"") || targets.contains("\"health\":\"down\"")) break;
                    } catch (java.io.IOException notYet) { /* still starting */ }
                    Thread.sleep(200);
                }
                assertTrue(targets.contains("\"health\":\"up\"") && targets.contains("\"lastError\":\"\""),
                        targets + "\n" + Files.readString(dir.resolve("prometheus.log")));
                String q = get(http, base + "query?query=" + URLEncoder.encode(
                        "histogram_quantile(0.5, sum by (le) (gen_ai_server_request_duration_seconds_bucket{gen_ai_request_model=\"sim-chat\"}))",
                        StandardCharsets.UTF_8));
                assertTrue(q.contains("\"status\":\"success\"") && q.matches("(?s).*\"value\":\\[[0-9.]+,\"[0-9.e+-]+\"\\].*"), q);
                String tokens = get(http, base + "query?query=" + URLEncoder.encode("gen_ai_client_token_usage_count", StandardCharsets.UTF_8));
                assertTrue(tokens.contains("gen_ai_token_type"), tokens);
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }

        private String get(HttpClient http, String url) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    record Run(int exit, String out) {}

    static Run run(String stdin, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) { in.write(stdin.getBytes(StandardCharsets.UTF_8)); }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool ended");
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
}
