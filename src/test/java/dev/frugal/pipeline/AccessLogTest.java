package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

/** The access log: one JSON line per request, with what an operator needs and nothing secret. */
@QuarkusTest
class AccessLogTest {
    static final String PROMPT = "my secret plan is 4711, tell me a story";
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Inject AccessLog accessLog;
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { synchronized (lines) { lines.add(r.getMessage()); } }
        @Override public void flush() { }
        @Override public void close() { }
    };

    @BeforeEach void on() {
        accessLog.enabled(true); // a method: a field set through the CDI proxy would not reach the bean
        Logger.getLogger(AccessLog.CATEGORY).addHandler(capture);
    }

    @AfterEach void off() {
        accessLog.enabled(false);
        Logger.getLogger(AccessLog.CATEGORY).removeHandler(capture);
    }

    private JsonNode lineOf(String requestId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                for (String l : lines) {
                    JsonNode n = Json.parse(l); // every line is one JSON object
                    if (requestId.equals(n.path("request_id").asText())) return n;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access-log line for " + requestId + " in " + lines);
    }

    private String chat(boolean stream, String key) {
        return given().header("Authorization", "Bearer " + key).header("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01")
                .contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")
                .post("/v1/chat/completions").then().extract().header("x-request-id");
    }

    @Test
    void aRequestGetsOneLineWithWhoWhatAndHowItWent() throws Exception {
        JsonNode n = lineOf(chat(false, "frg-test-alpha-key"));
        assertEquals("alpha", n.path("team").asText());
        assertTrue(n.path("key_id").asText().length() > 3, n.toString());
        assertEquals("chat", n.path("surface").asText());
        assertEquals("sim-chat", n.path("model").asText());
        assertEquals("sim-chat", n.path("served_model").asText());
        assertTrue(n.path("deployment").asText().startsWith("sim/"), n.toString());
        assertEquals(200, n.path("status").asInt());
        assertTrue(n.path("error_code").isNull());
        assertEquals(1, n.path("attempts").asInt());
        assertTrue(n.path("input_tokens").asLong() > 0 && n.path("output_tokens").asLong() > 0, n.toString());
        assertTrue(n.path("cost_usd").isNumber());
        assertTrue(n.path("latency_ms").asLong() >= 0);
        assertEquals(TRACE, n.path("trace_id").asText(), "the client's trace");
        assertFalse(n.has("ttft_ms"), "not a stream");
        assertFalse(n.toString().contains("4711") || n.toString().contains("frg-test-alpha-key"), n.toString());
    }

    @Test
    void aStreamHasItsTimeToFirstTokenAndARefusalItsCodeWithoutTheKey() throws Exception {
        JsonNode stream = lineOf(chat(true, "frg-test-alpha-key"));
        assertTrue(stream.path("stream").asBoolean());
        assertTrue(stream.path("ttft_ms").asLong() >= 0 && stream.has("ttft_ms"), stream.toString());
        JsonNode refused = lineOf(chat(false, "frg-wrong-key-123456"));
        assertEquals(401, refused.path("status").asInt());
        assertEquals("invalid_api_key", refused.path("error_code").asText());
        assertTrue(refused.path("team").isNull());
        String all;
        synchronized (lines) { all = String.join("\n", lines); }
        assertFalse(all.contains("frg-wrong-key") || all.contains("frg-test-alpha-key") || all.contains("secret plan"), all);
    }

    @Test
    void aMalformedTraceparentIsIgnored() {
        assertNull(Exchange.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "all zero");
        assertNull(Exchange.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "upper case");
        assertNull(Exchange.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"), "short");
        assertNull(Exchange.traceId("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "version ff");
        assertNull(Exchange.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"), "version 00 has no more fields");
        assertNull(Exchange.traceId("00-4bf92f3577b34da6a3ce929d0e0e473\"-00f067aa0ba902b7-01"), "not hex");
        assertEquals(TRACE, Exchange.traceId("00-" + TRACE + "-00f067aa0ba902b7-01"));
        assertEquals(TRACE, Exchange.traceId("01-" + TRACE + "-00f067aa0ba902b7-01-future"), "a later version may add fields");
    }
}
