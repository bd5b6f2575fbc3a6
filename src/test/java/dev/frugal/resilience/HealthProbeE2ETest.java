package dev.frugal.resilience;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.TestTime;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.frugal.testsupport.LedgerRows.assertOutcome;

/**
 * A provider failing its health probes (GET {base-url}/models, every 250 ms for {@code probed})
 * is passed over before any request reaches it, says so in /admin/backends, and is used again
 * once its probes succeed. The test runs the probes by hand, moving the gateway's clock past the
 * interval, instead of waiting for the prober's timer.
 */
@QuarkusTest
class HealthProbeE2ETest {
    static final String PROBE_PATH = "/probed/v1/models";
    /** The {@code probe-interval} of the probed providers in frugal-test.yaml. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    @InjectFakeUpstream
    FakeUpstream upstream;

    @jakarta.inject.Inject
    LedgerRows ledger;

    @jakarta.inject.Inject
    Prober prober;

    /** The request was served after the trace given, as many calls as x-frugal-attempts said. */
    void assertServedRow(Response r, String attemptLog) throws Exception {
        assertOutcome(ledger.row(r.header("x-request-id")), 200, null, Integer.parseInt(r.header("x-frugal-attempts")), attemptLog, false);
    }

    @BeforeEach
    void clear() { upstream.clear(); }

    static final String CUSTOM_PROBE_PATH = "/custom-probed/health";

    @AfterEach
    void heal() {
        upstream.failProbes(PROBE_PATH, false);
        upstream.answerProbes(CUSTOM_PROBE_PATH, 200);
    }

    static Response chat() { return chat("probe-guarded"); }

    static Response chat(String model) {
        return given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    static Map<String, Object> probeOf(String deployment) {
        JsonPath admin = given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306").get("/admin/backends")
                .then().statusCode(200).extract().jsonPath();
        return admin.getMap("data.find { it.deployment == '" + deployment + "' }");
    }

    /** Starts the due probes by hand, each time a probe interval later, until the deployment's probe says {@code status}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> awaitProbe(String deployment, String status) throws InterruptedException {
        Map<String, Object> last = null;
        for (int i = 0; i < 1000; i++) { // up to 20 s on a loaded machine; a probe answers in a few ms
            TestTime.advance(PROBE_INTERVAL);
            prober.tick();
            last = probeOf(deployment);
            if (last != null && status.equals(((Map<String, Object>) last.get("probe")).get("status"))) return last;
            Thread.sleep(20);
        }
        throw new AssertionError("probe of " + deployment + " never became " + status + ": " + last);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aProviderFailingItsProbesIsSkippedAndShownDownThenUsedAgain() throws Exception {
        Response first = chat();
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals("echo echo-probed", first.jsonPath().getString("choices[0].message.content"));
        assertTrue(upstream.probes(PROBE_PATH) > 0, "the provider's model list is probed");
        assertServedRow(first, "probed/echo-probed=success");
        awaitProbe("probed/echo-probed", "up");

        upstream.failProbes(PROBE_PATH, true);
        Map<String, Object> down = awaitProbe("probed/echo-probed", "down");
        assertEquals("probe_down", down.get("state"));
        Map<String, Object> probe = (Map<String, Object>) down.get("probe");
        assertEquals("HTTP 503", probe.get("last_error"));
        assertNotNull(probe.get("checked_at"));
        assertNotNull(probe.get("latency_ms"));

        upstream.clear();
        Response skipped = chat();
        assertEquals(200, skipped.statusCode(), skipped.asString());
        assertEquals("echo echo-probe-backup", skipped.jsonPath().getString("choices[0].message.content"));
        assertEquals("1", skipped.header("x-frugal-attempts"), "the down provider was passed over, not called");
        assertTrue(upstream.all().stream().noneMatch(r -> r.path().startsWith("/probed/")), "nothing was sent to it");
        assertServedRow(skipped, "probed/echo-probed=skipped_probe_down;probed-backup/echo-probe-backup=success");

        upstream.failProbes(PROBE_PATH, false);
        awaitProbe("probed/echo-probed", "up");
        Response again = chat();
        assertEquals("echo echo-probed", again.jsonPath().getString("choices[0].message.content"));
        assertServedRow(again, "probed/echo-probed=success");
    }

    @jakarta.inject.Inject dev.frugal.provider.ProviderRegistry registry;
    @jakarta.inject.Inject dev.frugal.config.ConfigHolder configs;

    /** Probes the named provider's adapter directly and waits for the answer. */
    void probe(String provider) throws Exception {
        Object adapter = registry.adapter(configs.get().provider(provider));
        assertTrue(adapter instanceof dev.frugal.provider.Probeable, provider + " can be probed");
        ((dev.frugal.provider.Probeable) adapter).probe().toCompletionStage().toCompletableFuture()
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void eachAdapterProbesItsFreeModelListWithItsOwnCredentials() throws Exception {
        probe("fake-anthropic");
        Map<String, String> anthropic = upstream.probeHeaders("/v1/models");
        assertEquals("test-anthropic-secret-456", anthropic.get("x-api-key"));
        assertNotNull(anthropic.get("anthropic-version"));

        probe("fake-gemini");
        assertEquals("test-gemini-secret-456", upstream.probeHeaders("/v1beta/models").get("x-goog-api-key"));

        probe("azure-dated");
        assertEquals("azure-test-key-0123456789", upstream.probeHeaders("/openai/models").get("api-key"));
        assertEquals("api-version=2024-10-21", upstream.probeQuery("/openai/models"));
        probe("azure-v1");
        assertNotNull(upstream.probeHeaders("/openai/v1/models"));

        int tags = upstream.tagRequests();
        probe("gpu-box");
        assertTrue(upstream.tagRequests() > tags, "Ollama is probed on /api/tags");

        probe("probed");
        assertEquals(0, upstream.all().size(), "no probe is a billed request");
    }
    @Test
    @SuppressWarnings("unchecked")
    void aConfiguredProbeUrlIsProbedInsteadOfTheModelListAndMustAnswer2xx() throws Exception {
        assertEquals("echo echo-custom", chat("custom-probe-guarded").jsonPath().getString("choices[0].message.content"));
        awaitProbe("custom-probed/echo-custom", "up");
        assertTrue(upstream.probes(CUSTOM_PROBE_PATH) > 0, "the configured path is probed");
        assertEquals(0, upstream.probes("/custom-probed/v1/models"), "instead of the model list");
        assertEquals("Bearer custom-probe-key-789", upstream.probeHeaders(CUSTOM_PROBE_PATH).get("Authorization"),
                "with the provider's key: the probe URL is on the base URL's own host");

        upstream.answerProbes(CUSTOM_PROBE_PATH, 404); // fine for a model list, not for a health URL the admin chose
        Map<String, Object> down = awaitProbe("custom-probed/echo-custom", "down");
        assertEquals("probe_down", down.get("state"));
        assertEquals("HTTP 404", ((Map<String, Object>) down.get("probe")).get("last_error"));
        upstream.clear();
        Response skipped = chat("custom-probe-guarded");
        assertEquals("echo echo-custom-backup", skipped.jsonPath().getString("choices[0].message.content"));
        assertEquals("1", skipped.header("x-frugal-attempts"), "the down provider was passed over, not called");
        assertServedRow(skipped, "custom-probed/echo-custom=skipped_probe_down;probed-backup/echo-custom-backup=success");

        upstream.answerProbes(CUSTOM_PROBE_PATH, 200);
        awaitProbe("custom-probed/echo-custom", "up");
        assertEquals("echo echo-custom", chat("custom-probe-guarded").jsonPath().getString("choices[0].message.content"));
    }
}
