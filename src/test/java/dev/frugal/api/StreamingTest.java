package dev.frugal.api;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSE relay, seen from a raw HTTP client: framing, usage chunks, failures mid-stream, disconnects. */
@QuarkusTest
class StreamingTest {
    @TestHTTPResource("/v1/chat/completions")
    URL chatUrl;

    @InjectFakeUpstream
    FakeUpstream upstream;

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
    }

    @Test
    void aStreamRequestAnsweredWithAnErrorStatusIsAPlainJsonError() throws Exception {
        HttpResponse<String> r = stream("error-503", false);
        assertEquals(503, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        assertTrue(r.body().startsWith("{\"error\":{"));
    }

    @Test
    void aStreamRequestAnsweredWithHtmlIs502BeforeAnyByte() throws Exception {
        HttpResponse<String> r = stream("html-200", false);
        assertEquals(502, r.statusCode());
        assertTrue(r.body().contains("instead of an event stream"), r.body());
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
        try (Socket s = new Socket(chatUrl.getHost(), chatUrl.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer frg-test-alpha-key\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("tick")) { /* read up to the first relayed chunk */ }
            assertTrue(line != null && line.contains("tick"), "the stream started");
        }
        assertTrue(upstream.awaitSlowStreamClosed(5), "the upstream connection was closed after the client left");
    }
}
