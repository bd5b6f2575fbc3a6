package dev.frugal.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lints and renders helm/frugal offline (helm-java embeds the Helm library) and checks what the
 * rendered manifests would do: modes, secrets, probes, shutdown, and that the config compiles.
 */
@Tag("unit")
class HelmChartTest {
    private static final Path CHART = HelmRender.CHART;

    /** Replicas with PostgreSQL and Redis, every secret from an existing Secret. */
    private static final String CLUSTER = """
            replicaCount: 3
            database: { url: "jdbc:postgresql://postgres:5432/frugal", existingSecret: frugal-pg }
            redis: { url: "redis://redis:6379" }
            adminKey: { existingSecret: frugal-admin }
            secretEnv:
              OPENAI_API_KEY: { secretName: frugal-providers, key: openai }
              FRUGAL_DEMO_KEY: { secretName: frugal-teams, key: demo }
            """;

    @TempDir Path tmp;

    @Test
    void lintPasses() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertFalse(result.isFailed(), () -> "helm lint: " + result.getMessages());
    }

    @Test
    void byDefaultOnePodKeepsTheEmbeddedDatabaseOnItsVolume() throws IOException {
        List<JsonNode> docs = render("");
        JsonNode deployment = one(docs, "Deployment");
        assertEquals(1, deployment.at("/spec/replicas").asInt());
        Map<String, JsonNode> env = env(deployment);
        for (String shared : List.of("FRUGAL_DB_URL", "FRUGAL_DB_USER", "FRUGAL_DB_PASSWORD", "FRUGAL_REDIS_URL")) {
            assertFalse(env.containsKey(shared), shared + " set without database/redis");
        }
        assertEquals("/deployments/data", env.get("FRUGAL_DATA_DIR").path("value").asText());
        assertEquals("/deployments/data", mountPath(deployment, "data"));
        JsonNode data = volume(deployment, "data");
        String claim = data.at("/persistentVolumeClaim/claimName").asText();
        assertEquals(claim, one(docs, "PersistentVolumeClaim").at("/metadata/name").asText());
        // The H2 file is locked by one process: the old pod must stop before the new one opens it.
        assertEquals("Recreate", deployment.at("/spec/strategy/type").asText());
        assertTrue(all(docs, "HorizontalPodAutoscaler").isEmpty());
        assertTrue(all(docs, "PodDisruptionBudget").isEmpty(), "a budget on one pod blocks node drains");
    }

    @Test
    void clusterModeWiresDatabaseRedisAndKeysFromSecrets() throws IOException {
        List<JsonNode> docs = render(CLUSTER);
        JsonNode deployment = one(docs, "Deployment");
        assertEquals(3, deployment.at("/spec/replicas").asInt());
        Map<String, JsonNode> env = env(deployment);
        assertEquals("jdbc:postgresql://postgres:5432/frugal", env.get("FRUGAL_DB_URL").path("value").asText());
        assertEquals("frugal", env.get("FRUGAL_DB_USER").path("value").asText());
        assertEquals("redis://redis:6379", env.get("FRUGAL_REDIS_URL").path("value").asText());
        assertSecretRef(env, "FRUGAL_DB_PASSWORD", "frugal-pg", "password");
        assertSecretRef(env, "FRUGAL_ADMIN_KEY", "frugal-admin", "admin-key");
        assertSecretRef(env, "OPENAI_API_KEY", "frugal-providers", "openai");
        assertSecretRef(env, "FRUGAL_DEMO_KEY", "frugal-teams", "demo");
        // No H2 in cluster mode: no claim, the data dir is scratch space.
        assertTrue(volume(deployment, "data").has("emptyDir"));
        assertTrue(all(docs, "PersistentVolumeClaim").isEmpty());
        assertEquals("RollingUpdate", deployment.at("/spec/strategy/type").asText());
        assertEquals(1, one(docs, "PodDisruptionBudget").at("/spec/maxUnavailable").asInt());
    }

    @Test
    void secretsNeverLandInAConfigMapOrInClear() throws IOException {
        List<JsonNode> docs = render(CLUSTER, """
                database: { userKey: username }
                redis: { url: "", existingSecret: frugal-redis }
                """);
        assertTrue(all(docs, "Secret").isEmpty(), "the chart creates no Secret: it only refers to existing ones");
        JsonNode configMap = one(docs, "ConfigMap");
        assertEquals(List.of("frugal.yaml"), fieldNames(configMap.path("data")));
        Map<String, JsonNode> env = env(one(docs, "Deployment"));
        assertSecretRef(env, "FRUGAL_DB_USER", "frugal-pg", "username");
        assertSecretRef(env, "FRUGAL_REDIS_URL", "frugal-redis", "url");
        env.forEach((name, var) -> {
            if (name.matches(".*(KEY|PASSWORD|SECRET|TOKEN).*")) {
                assertFalse(var.has("value"), name + " is given in clear: " + var);
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> render(CLUSTER, "redis: { url: \"redis://:hunter2@redis:6379\" }"));
        assertTrue(e.getMessage().contains("redis.existingSecret"), e.getMessage());
    }

    @Test
    void aMetricsKeyFromASecretGuardsMetricsAndTheServiceMonitorSendsIt() throws IOException {
        assertTrue(!env(one(render(""), "Deployment")).containsKey("FRUGAL_METRICS_KEY"), "open by default");
        List<JsonNode> docs = render("metrics: { keySecret: frugal-metrics, serviceMonitor: { enabled: true } }");
        assertSecretRef(env(one(docs, "Deployment")), "FRUGAL_METRICS_KEY", "frugal-metrics", "metrics-key");
        JsonNode auth = one(docs, "ServiceMonitor").at("/spec/endpoints/0/authorization");
        assertEquals("Bearer", auth.path("type").asText());
        assertEquals("frugal-metrics", auth.at("/credentials/name").asText());
        assertEquals("metrics-key", auth.at("/credentials/key").asText());
    }

    @Test
    void tracesAreOffUnlessAnEndpointIsGiven() throws IOException {
        Map<String, JsonNode> off = env(one(render(""), "Deployment"));
        assertTrue(off.keySet().stream().noneMatch(n -> n.contains("OTEL") || n.contains("CAPTURE_CONTENT")), off.keySet().toString());
        Map<String, JsonNode> on = env(one(render("tracing: { endpoint: \"http://collector:4318\", protocol: http/protobuf, "
                + "captureContentTeams: [research, ops] }"), "Deployment"));
        assertEquals("http://collector:4318", on.get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT").path("value").asText());
        assertEquals("http/protobuf", on.get("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL").path("value").asText());
        assertEquals("research,ops", on.get("FRUGAL_TELEMETRY_CAPTURE_CONTENT_TEAMS").path("value").asText());
    }

    @Test
    void severalPodsWithoutPostgresAndRedisAreRefusedWithTheReason() {
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> render("replicaCount: 3"));
        assertTrue(none.getMessage().contains("replicaCount=3 runs more than one pod"), none.getMessage());
        assertTrue(none.getMessage().contains("database.url (PostgreSQL) is not set: each pod would keep its own embedded H2 database"), none.getMessage());
        assertTrue(none.getMessage().contains("redis.url (Redis) is not set: each pod would count rate limits and budgets in its own memory"), none.getMessage());

        IllegalStateException noRedis = assertThrows(IllegalStateException.class,
                () -> render("replicaCount: 2\ndatabase: { url: \"jdbc:postgresql://postgres/frugal\" }"));
        assertTrue(noRedis.getMessage().contains("redis.url (Redis) is not set"), noRedis.getMessage());
        assertFalse(noRedis.getMessage().contains("database.url (PostgreSQL) is not set"), noRedis.getMessage());

        IllegalStateException autoscaled = assertThrows(IllegalStateException.class,
                () -> render("autoscaling: { enabled: true }"));
        assertTrue(autoscaled.getMessage().contains("autoscaling.enabled=true runs more than one pod"), autoscaled.getMessage());
    }

    @Test
    void autoscalingLeavesTheReplicaCountToTheAutoscaler() throws IOException {
        List<JsonNode> docs = render(CLUSTER, "autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6 }");
        assertTrue(one(docs, "Deployment").at("/spec/replicas").isMissingNode());
        JsonNode hpa = one(docs, "HorizontalPodAutoscaler");
        assertEquals(6, hpa.at("/spec/maxReplicas").asInt());
        assertEquals(one(docs, "Deployment").at("/metadata/name"), hpa.at("/spec/scaleTargetRef/name"));
    }

    @Test
    void probesPointAtTheHealthEndpoints() throws IOException {
        JsonNode container = container(one(render(""), "Deployment"));
        assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("http", container.at("/readinessProbe/httpGet/port").asText());
        assertEquals(8080, container.at("/ports/0/containerPort").asInt());
        assertEquals("0.0.0.0", env(one(render(""), "Deployment")).get("QUARKUS_HTTP_HOST").path("value").asText());
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRootWithScratchVolumes() throws IOException {
        JsonNode deployment = one(render(""), "Deployment");
        assertTrue(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean());
        assertTrue(container(deployment).at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertEquals("/tmp", mountPath(deployment, "tmp"));
        assertTrue(volume(deployment, "tmp").has("emptyDir"));
        JsonNode annotations = deployment.at("/spec/template/metadata/annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals("/q/metrics", annotations.path("prometheus.io/path").asText());
    }

    @Test
    void shutdownDrainsBeforeKubernetesKillsThePod() throws IOException {
        JsonNode deployment = one(render("shutdown: { delaySeconds: 5, graceSeconds: 30 }"), "Deployment");
        Map<String, JsonNode> env = env(deployment);
        assertEquals("5s", env.get("QUARKUS_SHUTDOWN_DELAY").path("value").asText());
        assertEquals("30s", env.get("FRUGAL_SHUTDOWN_GRACE").path("value").asText());
        assertTrue(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt() > 35);

        IllegalStateException tooShort = assertThrows(IllegalStateException.class,
                () -> render("shutdown: { delaySeconds: 5, graceSeconds: 30, terminationGracePeriodSeconds: 30 }"));
        assertTrue(tooShort.getMessage().contains("must be larger than"), tooShort.getMessage());
    }

    @Test
    void theDefaultConfigCompilesWithTheVariablesThePodGets() throws IOException {
        FrugalConfig config = compileAsThePodWould(render(""));
        assertEquals(Set.of("demo-chat", "all-minilm-l6-v2"), config.models().keySet());
    }

    @Test
    void anOwnConfigCompilesWhenSecretEnvProvidesItsVariables() throws IOException {
        String example = Files.readString(Path.of("config", "examples", "hosted-openai-deepseek.yaml"));
        String values = "config:\n  frugalYaml: " + Json.write(Json.nodes().textNode(example)) + "\n" + """
                secretEnv:
                  OPENAI_API_KEY: { secretName: frugal-providers, key: openai }
                  DEEPSEEK_API_KEY: { secretName: frugal-providers, key: deepseek }
                  PRODUCT_KEY: { secretName: frugal-teams, key: product }
                """;
        List<JsonNode> docs = render(values);
        assertEquals(example, one(docs, "ConfigMap").at("/data/frugal.yaml").asText());
        assertFalse(compileAsThePodWould(docs).models().isEmpty());
    }

    @Test
    void aConfigChangeRollsThePods() throws IOException {
        String before = one(render(""), "Deployment").at("/spec/template/metadata/annotations/checksum~1config").asText();
        String after = one(render("config: { frugalYaml: \"models: []\" }"), "Deployment")
                .at("/spec/template/metadata/annotations/checksum~1config").asText();
        assertFalse(before.isEmpty());
        assertNotEquals(before, after);
    }

    // ---- helpers ----

    /** `helm template` with values files of this content (later ones win); the documents of the output. */
    private List<JsonNode> render(String... values) throws IOException {
        return HelmRender.render(tmp, values);
    }

    /**
     * Compiles the ConfigMap's frugal.yaml as the gateway in the pod would: the only variables
     * set are the Deployment's env (a Secret's value stands in as a placeholder).
     */
    private static FrugalConfig compileAsThePodWould(List<JsonNode> docs) {
        Map<String, JsonNode> env = env(one(docs, "Deployment"));
        String yaml = one(docs, "ConfigMap").at("/data/frugal.yaml").asText();
        return ConfigCompiler.compile(yaml, name -> !env.containsKey(name) ? null
                : env.get(name).has("value") ? env.get(name).get("value").asText() : "frg-secret-of-" + name);
    }

    private static List<JsonNode> all(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    private static JsonNode one(List<JsonNode> docs, String kind) {
        return HelmRender.one(docs, kind);
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.at("/spec/template/spec/containers/0");
    }

    private static Map<String, JsonNode> env(JsonNode deployment) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        container(deployment).path("env").forEach(var -> env.put(var.path("name").asText(), var));
        return env;
    }

    private static JsonNode volume(JsonNode deployment, String name) {
        for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
            if (name.equals(v.path("name").asText())) return v;
        }
        throw new AssertionError("no volume " + name);
    }

    private static String mountPath(JsonNode deployment, String volume) {
        for (JsonNode m : container(deployment).path("volumeMounts")) {
            if (volume.equals(m.path("name").asText())) return m.path("mountPath").asText();
        }
        throw new AssertionError("volume " + volume + " is not mounted");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertSecretRef(Map<String, JsonNode> env, String name, String secret, String key) {
        JsonNode var = env.get(name);
        assertTrue(var != null, name + " is not set");
        assertFalse(var.has("value"), name + " is given in clear");
        assertEquals(secret, var.at("/valueFrom/secretKeyRef/name").asText(), name);
        assertEquals(key, var.at("/valueFrom/secretKeyRef/key").asText(), name);
    }
}
