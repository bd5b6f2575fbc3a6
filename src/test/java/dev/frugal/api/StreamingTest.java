package dev.frugal.api;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.frugal.testsupport.LedgerRows.assertOutcome;
import static dev.frugal.testsupport.LedgerRows.number;

/**
 * The SSE relay, seen from a raw HTTP client: framing, usage chunks, failures mid-stream,
 * disconnects — and the ledger row each stream leaves.
 */
@QuarkusTest
class StreamingTest {
    @TestHTTPResource("/v1/chat/completions")
    URL chatUrl;

    @InjectFakeUpstream
    FakeUpstream upstream;

    @Inject
    LedgerRows ledger;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void clear() { upstream.clear(); }

    HttpResponse<String> stream(String fixture, boolean includeUsage) throws Exception {
        String body = "{\"model\":\"fixture\",\"fixture\":\"" + fixture + "\",\"stream\":true,"
                + (includeUsage ? "\"stream_options\":{\"include_usage\":true}," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create(chatUrl.toString()))
                .header("Authorization", "Bearer frg-test-alpha-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> events(String body) {
        return List.of(body.split("\n\n")).stream().filter(s -> !s.isBlank()).toList();
    }

    /** The ledger row of a streamed request, checked against what the client got; attempts as x-frugal-attempts said. */
    Map<String, Object> assertRow(HttpResponse<String> r, int status, String errorCode, String attemptLog) throws Exception {
        Map<String, Object> row = ledger.row(r.headers().firstValue("x-request-id").orElse(null));
        int attempts = Integer.parseInt(r.headers().firstValue("x-frugal-attempts").orElseThrow());
        assertOutcome(row, status, errorCode, attempts, attemptLog, true);
        return row;
    }

    /**
     * The row of a stream cut after its first chunk: the status and code of its in-band error event
     * (the last one), and the text relayed before it billed, estimated since no usage came.
     */
    Map<String, Object> assertCutRow(HttpResponse<String> r, int status, String attemptLog) throws Exception {
        List<String> ev = events(r.body());
        JsonObject error = new JsonObject(ev.get(ev.size() - 1).substring("data: ".length())).getJsonObject("error");
        Map<String, Object> row = assertRow(r, status, error.getString("code"), attemptLog);
        assertEquals(true, row.get("estimated"), row.toString());
        assertTrue(number(row, "completion_tokens") > 0, "what was relayed is billed: " + row);
        assertTrue(number(row, "prompt_tokens") > 0, "with the prompt estimate: " + row);
        assertTrue(number(row, "ttft_ms") >= 0, row.toString());
        return row;
    }

    @Test
    void eventsAreRelayedAsSseEndingWithDone() throws Exception {
        HttpResponse<String> r = stream("stream-basic", false);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<String> ev = events(r.body());
        assertEquals("data: [DONE]", ev.get(ev.size() - 1));
        assertEquals(6, ev.size(), "role, 3 content, finish, DONE; the usage chunk was not asked for");
        assertFalse(r.body().contains("\"usage\":{"), "no usage reaches a client that did not ask");
        // unchanged chunks pass byte for byte
        assertTrue(ev.get(1).equals("data: {\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\"created\":1727346168,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"));
        Map<String, Object> row = assertRow(r, 200, null, "fake/fixture=success");
        assertEquals(14L, number(row, "prompt_tokens"), "the upstream's usage is billed though the client did not ask for it: " + row);
        assertEquals(3L, number(row, "completion_tokens"), row.toString());
        assertEquals(false, row.get("estimated"), row.toString());
        assertTrue(number(row, "ttft_ms") >= 0 && number(row, "ttft_ms") <= number(row, "latency_ms"), row.toString());
    }

    @Test
    void crlfDelimitedAndKeepAliveStreamsAreNormalisedToLf() throws Exception {
        for (String fixture : List.of("stream-crlf", "stream-keepalive")) {
            HttpResponse<String> r = stream(fixture, true);
            assertEquals(200, r.statusCode());
            assertFalse(r.body().contains("\r"), fixture);
            assertFalse(r.body().contains("keep-alive"), fixture);
            List<String> ev = events(r.body());
            assertEquals(7, ev.size(), fixture + ": role, 3 content, finish, usage, DONE");
            assertTrue(ev.get(5).contains("\"choices\":[]") && ev.get(5).contains("\"total_tokens\":17"), fixture);
        }
    }

    @Test
    void aStreamCutMidEventEndsWithAnErrorEventAndNoDone() throws Exception {
        HttpResponse<String> r = stream("stream-cut", false);
        assertEquals(200, r.statusCode());
        List<String> ev = events(r.body());
        String last = ev.get(ev.size() - 1);
        assertTrue(last.startsWith("data: {\"error\":{"), last);
        assertTrue(last.contains("cut off"), last);
        assertFalse(r.body().contains("[DONE]"));
        assertTrue(ev.get(1).contains("Hello"), "what arrived before the cut was relayed");
        assertCutRow(r, 502, "fake/fixture=success");
    }

    @Test
    void anErrorEventMidStreamIsRelayedOnceAndTheStreamEndsWithoutDone() throws Exception {
        HttpResponse<String> r = stream("stream-error", false);
        assertEquals(200, r.statusCode());
        List<String> ev = events(r.body());
        assertEquals(3, ev.size(), String.join("|", ev));
        assertTrue(ev.get(1).contains("Partial"));
        assertTrue(ev.get(2).startsWith("data: {\"error\":{\"message\":\"Upstream provider 'fake' reported an error: The engine crashed"), ev.get(2));
        assertTrue(ev.get(2).contains("\"code\":\"upstream_error\""), "code is a string, not vLLM's int");
        assertFalse(r.body().contains("[DONE]"));
        assertCutRow(r, 502, "fake/fixture=success");
    }

    @Test
    void aStreamRequestAnsweredWithAnErrorStatusIsAPlainJsonError() throws Exception {
        HttpResponse<String> r = stream("error-503", false);
        assertEquals(503, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        assertTrue(r.body().startsWith("{\"error\":{"));
        Map<String, Object> row = assertRow(r, 503, "upstream_overloaded", "fake/fixture=overloaded");
        assertNull(row.get("ttft_ms"), "nothing was streamed: " + row);
        assertEquals(0L, number(row, "prompt_tokens") + number(row, "completion_tokens"), "nothing billed: " + row);
    }

    @Test
    void aStreamRequestAnsweredWithHtmlIs502BeforeAnyByte() throws Exception {
        HttpResponse<String> r = stream("html-200", false);
        assertEquals(502, r.statusCode());
        assertTrue(r.body().contains("instead of an event stream"), r.body());
        Map<String, Object> row = assertRow(r, 502, "upstream_error", "fake/fixture=protocol");
        assertEquals(0L, number(row, "prompt_tokens") + number(row, "completion_tokens"), "nothing billed: " + row);
    }

    @Test
    void theOllamaDialectGetsSystemForDeveloperAndMaxTokens() throws Exception {
        String body = "{\"model\":\"ollama-dialect\",\"max_completion_tokens\":9,\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(chatUrl.toString()))
                .header("Authorization", "Bearer frg-test-alpha-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        var sent = upstream.last().body();
        assertEquals("llama3.2:latest", sent.getString("model"));
        assertEquals("system", sent.getJsonArray("messages").getJsonObject(0).getString("role"));
        assertEquals(9, sent.getInteger("max_tokens"));
        assertFalse(sent.containsKey("max_completion_tokens"));
    }

    @Test
    void aClientThatDisconnectsCancelsTheUpstreamRequest() throws Exception {
        String body = "{\"model\":\"fixture\",\"fixture\":\"slow-stream\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String requestId = "left-" + UUID.randomUUID();
        try (Socket s = new Socket(chatUrl.getHost(), chatUrl.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer frg-test-alpha-key\r\n"
                    + "x-request-id: " + requestId + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("tick")) { /* read up to the first relayed chunk */ }
            assertTrue(line != null && line.contains("tick"), "the stream started");
        }
        assertTrue(upstream.awaitSlowStreamClosed(5), "the upstream connection was closed after the client left");
        Map<String, Object> row = ledger.row(requestId);
        assertOutcome(row, 499, "client_closed_request", 1, "fake/fixture=success", true);
        assertEquals(true, row.get("estimated"), "the ticks relayed are billed, counted by the gateway: " + row);
        assertTrue(number(row, "completion_tokens") >= 1, row.toString());
    }
}
