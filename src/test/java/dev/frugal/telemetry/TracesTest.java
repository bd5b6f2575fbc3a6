package dev.frugal.telemetry;

import com.google.protobuf.ByteString;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.OtlpReceiver;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Traces, exported to an in-process OTLP receiver: a server span per request continuing the client's trace,
 * a GenAI client span per upstream attempt under it, whose context the upstream receives as its
 * {@code traceparent}; retries and fallbacks as events; a cache hit without a client span; no prompt text in
 * anything exported unless the team opted in (cache-b does here).
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@TestProfile(TracesTest.Traced.class)
class TracesTest {
    static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";
    static final String SECRET_PROMPT = "my secret plan is 4711";

    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("frugal.telemetry.capture-content.teams", "cache-b");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OtlpReceiver.class));
        }
    }

    @InjectFakeUpstream FakeUpstream upstream;
    @Inject LedgerRows ledgerRows;

    private static Response chat(String key, String model, boolean stream, String prompt) {
        return given().header("Authorization", "Bearer " + key)
                .header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01").header("tracestate", "vendor=1")
                .contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + prompt + "\"}]}")
                .post("/v1/chat/completions");
    }

    /** Waits for the spans of a request: its server span (by request id) and the client spans under it. */
    private static List<Span> trace(String requestId, int clientSpans) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            List<Span> all = OtlpReceiver.spans();
            Span server = all.stream().filter(s -> requestId.equals(str(s, "frugal.request_id"))).findFirst().orElse(null);
            if (server != null) {
                List<Span> children = all.stream().filter(s -> s.getParentSpanId().equals(server.getSpanId())).toList();
                if (children.size() >= clientSpans) {
                    List<Span> out = new java.util.ArrayList<>();
                    out.add(server);
                    out.addAll(children.stream().sorted(java.util.Comparator.comparingLong(s -> num(s, "frugal.attempt"))).toList());
                    return out;
                }
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no complete trace for " + requestId + " in " + OtlpReceiver.spans().size() + " spans");
    }

    private static AnyValue attr(Span s, String key) {
        return s.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue).findFirst().orElse(null);
    }

    private static String str(Span s, String key) {
        AnyValue v = attr(s, key);
        return v == null ? null : v.getStringValue();
    }

    private static long num(Span s, String key) {
        AnyValue v = attr(s, key);
        return v == null ? -1 : v.getIntValue();
    }

    private static String hex(ByteString b) { return HexFormat.of().formatHex(b.toByteArray()); }

    private static void assertServerSpan(Span server, String model, String cache) {
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, server.getKind());
        assertEquals("POST /v1/chat/completions", server.getName());
        assertEquals(CLIENT_TRACE, hex(server.getTraceId()), "continues the client's trace");
        assertEquals(CLIENT_SPAN, hex(server.getParentSpanId()), "a child of the client's span");
        assertEquals("vendor=1", server.getTraceState(), "the client's tracestate carries on");
        assertEquals(200, num(server, "http.response.status_code"));
        assertEquals(model, str(server, "gen_ai.request.model"));
        assertEquals(cache, str(server, "frugal.cache"));
        assertNotNull(attr(server, "frugal.team"));
        assertNotNull(attr(server, "frugal.cost_usd"));
    }

    private static void assertClientSpan(Span client, Span server, String upstreamModel, int attempt) {
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, client.getKind());
        assertEquals("chat " + upstreamModel, client.getName());
        assertEquals(server.getTraceId(), client.getTraceId());
        assertEquals(server.getSpanId(), client.getParentSpanId());
        assertEquals("chat", str(client, "gen_ai.operation.name"));
        assertEquals("openai", str(client, "gen_ai.provider.name"));
        assertEquals(upstreamModel, str(client, "gen_ai.request.model"));
        assertEquals("127.0.0.1", str(client, "server.address"));
        assertTrue(num(client, "server.port") > 0);
        assertEquals(attempt, num(client, "frugal.attempt"));
        assertEquals("e2e", str(client, "frugal.team"));
    }

    @Test
    void aPlainRequestHasAServerSpanAndOneGenAiClientSpanWhoseContextGoesUpstream() throws Exception {
        Response r = chat("frg-test-e2e-key", "gpt-test", false, SECRET_PROMPT);
        assertEquals(200, r.statusCode(), r.asString());
        FakeUpstream.Received sent = upstream.last();
        List<Span> t = trace(r.header("x-request-id"), 1);
        Span server = t.get(0), client = t.get(1);
        assertServerSpan(server, "gpt-test", null);
        assertEquals(1, num(server, "frugal.attempts"));
        assertClientSpan(client, server, "echo-upstream", 1);
        assertEquals("echo-upstream", str(client, "gen_ai.response.model"));
        assertEquals("stop", attr(client, "gen_ai.response.finish_reasons").getArrayValue().getValues(0).getStringValue());
        assertTrue(num(client, "gen_ai.usage.input_tokens") > 0 && num(client, "gen_ai.usage.output_tokens") > 0);
        assertNull(attr(client, "error.type"));
        assertEquals("00-" + CLIENT_TRACE + "-" + hex(client.getSpanId()) + "-01", sent.headers().get("traceparent"),
                "the upstream continues the trace with the attempt's span as parent");
        assertNull(attr(client, "gen_ai.input.messages"), "no content unless the team opted in");
        // the ledger row and the access log carry the trace id
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(CLIENT_TRACE, row.get("trace_id"));
    }

    @Test
    void aStreamedRequestsClientSpanHasTheFirstTokenAndEndsWithTheStream() throws Exception {
        Response r = chat("frg-test-e2e-key", "gpt-test", true, SECRET_PROMPT);
        assertEquals(200, r.statusCode(), r.asString());
        List<Span> t = trace(r.header("x-request-id"), 1);
        Span server = t.get(0), client = t.get(1);
        assertServerSpan(server, "gpt-test", null);
        assertClientSpan(client, server, "echo-upstream", 1);
        assertTrue(attr(client, "gen_ai.request.stream").getBoolValue());
        assertTrue(client.getEventsList().stream().anyMatch(e -> e.getName().equals("frugal.first_token")), client.toString());
        assertEquals("stop", attr(client, "gen_ai.response.finish_reasons").getArrayValue().getValues(0).getStringValue());
        assertTrue(num(client, "gen_ai.usage.output_tokens") > 0);
        assertTrue(client.getEndTimeUnixNano() <= server.getEndTimeUnixNano());
    }

    @Test
    void aRetriedRequestHasTwoClientSpansAndARetryEvent() throws Exception {
        upstream.script("retried-upstream", 500);
        Response r = chat("frg-test-e2e-key", "retried", false, SECRET_PROMPT);
        assertEquals(200, r.statusCode(), r.asString());
        List<Span> t = trace(r.header("x-request-id"), 2);
        Span server = t.get(0), first = t.get(1), second = t.get(2);
        assertEquals(2, num(server, "frugal.attempts"));
        assertClientSpan(first, server, "retried-upstream", 1);
        assertClientSpan(second, server, "retried-upstream", 2);
        assertEquals("upstream_error", str(first, "error.type"));
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR, first.getStatus().getCode());
        assertNull(attr(second, "error.type"));
        var retry = server.getEventsList().stream().filter(e -> e.getName().equals("frugal.retry")).findFirst().orElseThrow();
        assertTrue(retry.getAttributesList().stream().anyMatch(kv -> kv.getKey().equals("frugal.previous.outcome")
                && kv.getValue().getStringValue().equals("upstream_error")), retry.toString());
    }

    @Test
    void aFallbackIsAnEventOnTheServerSpan() throws Exception {
        Response r = chat("frg-test-e2e-key", "flaky", false, SECRET_PROMPT);
        assertEquals(200, r.statusCode(), r.asString());
        List<Span> t = trace(r.header("x-request-id"), 2);
        Span server = t.get(0);
        assertEquals("chat error-500", t.get(1).getName());
        assertEquals("chat echo-second", t.get(2).getName());
        assertTrue(server.getEventsList().stream().anyMatch(e -> e.getName().equals("frugal.fallback")), server.toString());
    }

    @Test
    void aCacheHitHasNoClientSpanAndContentOnlyForATeamThatOptedIn() throws Exception {
        String prompt = "a prompt the team cache-b lets the traces keep";
        Response miss = chat("frg-test-cache-b-key", "cache-echo", false, prompt);
        assertEquals(200, miss.statusCode(), miss.asString());
        Response hit = chat("frg-test-cache-b-key", "cache-echo", false, prompt);
        assertEquals("hit", hit.header("x-frugal-cache"));
        Span missed = trace(miss.header("x-request-id"), 1).get(1);
        assertTrue(str(missed, "gen_ai.input.messages").contains(prompt), "cache-b opted in");
        assertNotNull(str(missed, "gen_ai.output.messages"));
        List<Span> t = trace(hit.header("x-request-id"), 0);
        Thread.sleep(200); // a client span would have been exported with the server span
        Span server = t.get(0);
        assertEquals("hit", str(server, "frugal.cache"));
        Predicate<Span> under = s -> s.getParentSpanId().equals(server.getSpanId());
        assertTrue(OtlpReceiver.spans().stream().noneMatch(under), "no upstream call, no client span");
    }

    @Test
    void noPromptTextOfATeamThatDidNotOptInIsExported() throws Exception {
        Response r = chat("frg-test-e2e-key", "gpt-test", true, SECRET_PROMPT);
        trace(r.header("x-request-id"), 1);
        Response plain = chat("frg-test-e2e-key", "gpt-test", false, SECRET_PROMPT);
        trace(plain.header("x-request-id"), 1);
        assertFalse(OtlpReceiver.payloads().contains(SECRET_PROMPT));
        assertEquals(java.util.Set.of("/v1/traces"), OtlpReceiver.paths(), "OTLP/HTTP under the standard endpoint's base");
        assertFalse(OtlpReceiver.payloads().contains("frg-test-e2e-key"), "nor a key");
    }
}
