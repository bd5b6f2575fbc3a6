package dev.frugal.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.testsupport.RequiresPrometheus;
import dev.frugal.wire.Json;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The chart's Grafana dashboard and alert rules: valid, and reading only metrics the gateway exports —
 * checked against this gateway's live /q/metrics after the traffic that makes each series exist.
 */
@QuarkusTest
class MonitoringTest {
    static final String VALUES = "metrics: { grafanaDashboard: { enabled: true }, prometheusRule: { enabled: true, labels: { release: prom } } }";
    static final Pattern METRIC = Pattern.compile("\\b((?:frugal|gen_ai)_[a-z_]+)\\b");

    @TempDir Path tmp;

    private JsonNode dashboard() throws Exception {
        List<JsonNode> maps = HelmRender.render(tmp, VALUES).stream()
                .filter(d -> "ConfigMap".equals(d.path("kind").asText()) && d.path("data").has("frugal-gateway.json")).toList();
        assertEquals(1, maps.size(), "one dashboard ConfigMap");
        assertEquals("1", maps.get(0).at("/metadata/labels/grafana_dashboard").asText(), "the Grafana sidecar's label");
        return Json.parse(maps.get(0).at("/data/frugal-gateway.json").asText());
    }

    private JsonNode rules() throws Exception {
        JsonNode rule = HelmRender.one(HelmRender.render(tmp, VALUES), "PrometheusRule");
        assertEquals("prom", rule.at("/metadata/labels/release").asText());
        return rule.path("spec");
    }

    private static List<String> exprs(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) for (JsonNode t : p.path("targets")) out.add(t.path("expr").asText());
        return out;
    }

    @Test
    void byDefaultTheChartInstallsNeither() throws Exception {
        List<JsonNode> docs = HelmRender.render(tmp);
        assertTrue(docs.stream().noneMatch(d -> "PrometheusRule".equals(d.path("kind").asText())));
        assertTrue(docs.stream().noneMatch(d -> d.path("data").has("frugal-gateway.json")));
    }

    @Test
    void theDashboardIsWellFormed() throws Exception {
        JsonNode d = dashboard();
        assertEquals("frugal-gateway", d.path("uid").asText());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            assertTrue(ids.add(p.path("id").asInt()), "panel ids are unique");
            assertFalse(p.path("title").asText().isBlank());
            assertTrue(p.path("targets").size() > 0, p.path("title").asText());
            for (JsonNode t : p.path("targets")) assertFalse(t.path("expr").asText().isBlank());
        }
        assertTrue(ids.size() >= 12, "requests, errors, latency, first token, tokens, spend, savings, cache, circuits, budgets…");
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsReadIsOnTheLiveMetricsPage() throws Exception {
        // the traffic that makes every series exist: a plain request, a stream, a cache miss then hit, all with a budget
        for (String body : List.of(
                "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"sim-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a story\"}]}",
                "{\"model\":\"cache-priced\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"monitoring\"}]}")) {
            given().header("Authorization", "Bearer frg-test-monitored-key").contentType("application/json").body(body)
                    .post("/v1/chat/completions").then().statusCode(200);
        }
        // the store follows the miss's response by a moment: ask again until the hit (which counts the saving) comes
        String again = "{\"model\":\"cache-priced\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"monitoring\"}]}";
        long until = System.nanoTime() + 10_000_000_000L;
        while (!"hit".equals(given().header("Authorization", "Bearer frg-test-monitored-key").contentType("application/json")
                .body(again).post("/v1/chat/completions").then().statusCode(200).extract().header("x-frugal-cache"))) {
            assertTrue(System.nanoTime() < until, "the cache served no hit within 10 s");
            Thread.sleep(20);
        }
        // the hit's saving is counted once the hit is settled, a moment after its response: read until it shows
        Set<String> exported = exported();
        long counted = System.nanoTime() + 10_000_000_000L;
        while (!exported.contains("frugal_cache_savings_usd_total") && System.nanoTime() < counted) {
            Thread.sleep(20);
            exported = exported();
        }
        List<String> read = new ArrayList<>(exprs(dashboard()));
        for (JsonNode g : rules().path("groups")) for (JsonNode r : g.path("rules")) read.add(r.path("expr").asText());
        Set<String> missing = new TreeSet<>();
        int names = 0;
        for (String e : read) {
            // label matchers and grouping name labels, not metrics
            Matcher m = METRIC.matcher(e.replaceAll("\\{[^}]*\\}", "").replaceAll("\\b(by|without)\\s*\\([^)]*\\)", ""));
            while (m.find()) {
                names++;
                if (!exported.contains(m.group(1))) missing.add(m.group(1));
            }
        }
        assertTrue(names > 20, "the expressions name metrics");
        assertEquals(Set.of(), missing, "read by the dashboard or the alerts but not exported");
    }

    /** The metric names on the live metrics page. */
    private static Set<String> exported() {
        Set<String> names = new HashSet<>();
        for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().lines().toList()) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int end = line.indexOf('{');
            names.add(line.substring(0, end < 0 ? line.indexOf(' ') : end));
        }
        return names;
    }

    /** Prometheus's own checker on the rules, as the operator would load them. */
    @Nested
    @RequiresPrometheus
    class PromtoolChecksTheRules {
        @Test
        void theAlertRulesAreValid() throws Exception {
            Path file = tmp.resolve("rules.yaml");
            Files.writeString(file, Json.mapper().writeValueAsString(rules())); // JSON is YAML: {"groups": [...]}
            Process p = new ProcessBuilder("promtool", "check", "rules", file.toString()).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("SUCCESS: 6 rules found"), text);
        }
    }
}
