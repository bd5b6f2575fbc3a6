package dev.frugal.telemetry;

import dev.frugal.pipeline.Traces;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

/**
 * With no OTLP endpoint configured (the suite's default), tracing is off: the SDK is disabled, no span
 * processor or exporter thread runs, nothing goes upstream as {@code traceparent}, and the ledger row
 * keeps the trace id the client sent.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class TracesOffTest {
    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

    @Inject Traces traces;
    @Inject LedgerRows ledgerRows;
    @InjectFakeUpstream FakeUpstream upstream;

    @Test
    void noEndpointNoTracer() throws Exception {
        assertTrue(ConfigProvider.getConfig().getValue("quarkus.otel.sdk.disabled", Boolean.class));
        assertFalse(traces.on());
        Response r = given().header("Authorization", "Bearer frg-test-e2e-key")
                .header("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01")
                .contentType("application/json")
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        assertNull(upstream.last().headers().get("traceparent"), "nothing to continue upstream without a span");
        assertEquals(TRACE, ledgerRows.row(r.header("x-request-id")).get("trace_id"), "the client's trace id, as the access log has it");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName().toLowerCase(java.util.Locale.ROOT);
            assertFalse(name.contains("batchspanprocessor") || name.contains("otlp") || name.contains("opentelemetry"), t.getName());
        }
    }

    @Inject java.util.Optional<io.prometheus.client.exemplars.ExemplarSampler> exemplars;

    /** Traces on or off, the registry samples no exemplars: the gateway's spans are never current (decision 0034). */
    @Test
    void theRegistrySamplesNoExemplars() {
        assertTrue(exemplars.isEmpty());
    }
}
