package dev.frugal.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.MetricsPage;
import dev.frugal.wire.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /v1/messages} seen from a raw HTTP client speaking Anthropic's Messages format:
 * plain and streamed answers (the exact event sequence), a tool round trip, reasoning, errors in
 * Anthropic's shape — routed to the simulator and to an OpenAI-compatible upstream.
 */
@QuarkusTest
class MessagesEndpointTest {
    static final String KEY = "frg-test-e2e-key";

    @TestHTTPResource("/v1/messages")
    URL messagesUrl;

    @InjectFakeUpstream
    FakeUpstream upstream;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void clear() { upstream.clear(); }

    HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(messagesUrl.toString()))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01");
        if (headers.length == 0) b.header("x-api-key", KEY);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String hello(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";
    }

    /** One SSE event: its {@code event:} name and its data. */
    record Event(String name, JsonNode data) {
        @Override public String toString() { return name; }
    }

    static List<Event> events(String body) throws Exception {
        List<Event> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) continue;
            String[] lines = block.split("\n");
            assertEquals(2, lines.length, "event: then data:, got " + block);
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), block);
            Event e = new Event(lines[0].substring(7), Json.parse(lines[1].substring(6)));
            assertEquals(e.name(), e.data().path("type").asText(), "the data repeats the event name in 'type'");
            out.add(e);
        }
        return out;
    }

    static List<String> names(List<Event> events) { return events.stream().map(Event::name).toList(); }

    // ---- plain -----------------------------------------------------------------------------

    @Test
    void aPlainMessageFromTheSimulator() throws Exception {
        HttpResponse<String> r = post(hello("sim-chat", false));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode m = Json.parse(r.body());
        assertTrue(m.path("id").asText().startsWith("msg_"));
        assertEquals("message", m.path("type").asText());
        assertEquals("assistant", m.path("role").asText());
        assertEquals("sim-chat", m.path("model").asText());
        assertEquals("text", m.path("content").path(0).path("type").asText());
        assertTrue(m.path("content").path(0).path("text").asText().startsWith("This is a simulated answer"));
        assertEquals("end_turn", m.path("stop_reason").asText());
        assertTrue(m.path("stop_sequence").isNull());
        assertEquals(12, m.path("usage").path("output_tokens").asInt());
        assertTrue(m.path("usage").path("input_tokens").asInt() > 0);
        assertTrue(r.headers().firstValue("request-id").isPresent());
    }

    @Test
    void aPlainMessageIsTranslatedForAnOpenAiCompatibleUpstreamAndBack() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"msg-chat-basic\",\"max_tokens\":64,\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\"},"
                + "{\"type\":\"text\",\"text\":\"Be kind.\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"temperature\":0.5,\"top_p\":0.9,"
                + "\"top_k\":40,\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u-42\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Look:\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]}]}",
                "authorization", "Bearer " + KEY);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject sent = upstream.last().body();
        assertEquals("chat-basic", sent.getString("model"));
        assertEquals(new JsonObject().put("role", "system").put("content", "Be brief.\n\nBe kind."), sent.getJsonArray("messages").getJsonObject(0));
        JsonArray parts = sent.getJsonArray("messages").getJsonObject(1).getJsonArray("content");
        assertEquals("Look:", parts.getJsonObject(0).getString("text"));
        assertEquals("data:image/png;base64,iVBORw0KGgo=", parts.getJsonObject(1).getJsonObject("image_url").getString("url"));
        assertEquals(64, sent.getInteger("max_completion_tokens"));
        assertEquals(0.5, sent.getDouble("temperature"));
        assertEquals(0.9, sent.getDouble("top_p"));
        assertEquals(new JsonArray().add("END"), sent.getJsonArray("stop"));
        assertEquals("u-42", sent.getString("user"));
        assertFalse(sent.containsKey("top_k") || sent.containsKey("metadata") || sent.containsKey("system") || sent.containsKey("max_tokens"),
                "only OpenAI fields go upstream: " + sent);

        JsonNode m = Json.parse(r.body());
        assertEquals("msg_chatcmpl-fx1", m.path("id").asText());
        assertEquals("gpt-4o-2024-08-06", m.path("model").asText(), "the model the upstream says answered (decision 0018), as chat reports it");
        assertEquals("Hello from the fixture.", m.path("content").path(0).path("text").asText());
        assertEquals(1, m.path("content").size());
        assertEquals(8, m.path("usage").path("input_tokens").asInt(), "12 prompt tokens, 4 of them cached");
        assertEquals(4, m.path("usage").path("cache_read_input_tokens").asInt());
        assertEquals(5, m.path("usage").path("output_tokens").asInt());
    }

    // ---- streams ---------------------------------------------------------------------------

    @Test
    void aStreamedMessageIsTheExactAnthropicEventSequence() throws Exception {
        HttpResponse<String> r = post(hello("msg-stream-basic", true));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<Event> ev = events(r.body());
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), names(ev));
        JsonNode start = ev.get(0).data().path("message");
        assertEquals("msg_chatcmpl-s1", start.path("id").asText());
        assertEquals("gpt-4o-mini", start.path("model").asText(), "the upstream's model, as in the chat chunks (decision 0018)");
        assertTrue(start.path("content").isEmpty() && start.path("stop_reason").isNull());
        assertEquals("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}", Json.write(ev.get(1).data()));
        assertEquals("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}", Json.write(ev.get(2).data()));
        assertEquals(" world", ev.get(3).data().path("delta").path("text").asText());
        assertEquals(0, ev.get(5).data().path("index").asInt());
        JsonNode delta = ev.get(6).data();
        assertEquals("end_turn", delta.path("delta").path("stop_reason").asText());
        assertEquals(14, delta.path("usage").path("input_tokens").asInt());
        assertEquals(3, delta.path("usage").path("output_tokens").asInt());
        assertTrue(upstream.last().body().getJsonObject("stream_options").getBoolean("include_usage"));
        assertFalse(r.body().contains("[DONE]"));
    }

    @Test
    void aStreamedMessageFromTheSimulator() throws Exception {
        HttpResponse<String> r = post(hello("sim-chat", true));
        assertEquals(200, r.statusCode(), r.body());
        List<Event> ev = events(r.body());
        List<String> names = names(ev);
        assertEquals(List.of("message_start", "content_block_start"), names.subList(0, 2));
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"), names.subList(names.size() - 3, names.size()));
        StringBuilder text = new StringBuilder();
        for (Event e : ev.subList(2, ev.size() - 3)) {
            assertEquals("content_block_delta", e.name());
            text.append(e.data().path("delta").path("text").asText());
        }
        assertTrue(text.toString().startsWith("This is a simulated answer"), text.toString());
        assertEquals(12, ev.get(ev.size() - 2).data().path("usage").path("output_tokens").asInt());
    }

    @Test
    void parallelToolCallsStreamAsOneBlockAtATimeEvenWhenTheUpstreamInterleavesThem() throws Exception {
        HttpResponse<String> r = post(hello("msg-stream-tools", true));
        List<Event> ev = events(r.body());
        assertEquals(List.of("message_start",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), names(ev));
        JsonNode first = ev.get(1).data().path("content_block");
        assertEquals("{\"type\":\"tool_use\",\"id\":\"call_paris\",\"name\":\"get_weather\",\"input\":{}}", Json.write(first));
        StringBuilder args = new StringBuilder();
        for (Event e : ev.subList(2, 5)) {
            assertEquals("input_json_delta", e.data().path("delta").path("type").asText());
            assertEquals(0, e.data().path("index").asInt());
            args.append(e.data().path("delta").path("partial_json").asText());
        }
        assertEquals("{\"city\": \"Paris\"}", args.toString());
        assertEquals("call_rome", ev.get(6).data().path("content_block").path("id").asText());
        assertEquals(1, ev.get(6).data().path("index").asInt());
        assertEquals("{\"city\": \"Rome\"}", ev.get(7).data().path("delta").path("partial_json").asText());
        assertEquals("tool_use", ev.get(9).data().path("delta").path("stop_reason").asText());
        assertEquals(30, ev.get(9).data().path("usage").path("output_tokens").asInt());
    }

    @Test
    void aFailureMidStreamIsAnErrorEventAndTheStreamEnds() throws Exception {
        HttpResponse<String> r = post(hello("msg-stream-error", true));
        assertEquals(200, r.statusCode());
        List<Event> ev = events(r.body());
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "error"), names(ev));
        assertEquals("Partial", ev.get(2).data().path("delta").path("text").asText());
        JsonNode error = ev.get(3).data().path("error");
        assertEquals("api_error", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("The engine crashed"), error.toString());
    }

    @Test
    void aClientThatDisconnectsCancelsTheUpstreamRequest() throws Exception {
        String body = hello("msg-slow", true);
        try (Socket s = new Socket(messagesUrl.getHost(), messagesUrl.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("text_delta")) { /* up to the first relayed text */ }
            assertTrue(line != null && line.contains("tick"), "the stream started and is relayed as it comes");
        }
        assertTrue(upstream.awaitSlowStreamClosed(5), "the upstream connection was closed after the client left");
    }

    // ---- tools -----------------------------------------------------------------------------

    static final String TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather of a city\","
            + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";

    @Test
    void aToolRoundTripWithTheSimulator() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"sim-chat\",\"max_tokens\":100," + TOOLS + ",\"tool_choice\":{\"type\":\"any\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode m = Json.parse(r.body());
        assertEquals("tool_use", m.path("stop_reason").asText());
        JsonNode use = m.path("content").path(0);
        assertEquals("tool_use", use.path("type").asText());
        assertEquals("get_weather", use.path("name").asText());
        assertEquals("{\"city\":\"sample\"}", Json.write(use.path("input")), "arguments parsed into an object");

        String id = use.path("id").asText();
        HttpResponse<String> r2 = post("{\"model\":\"sim-chat\",\"max_tokens\":100," + TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":[" + Json.write(use) + "]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + id + "\",\"content\":\"18 C, sunny\"}]}]}");
        assertEquals(200, r2.statusCode(), r2.body());
        JsonNode m2 = Json.parse(r2.body());
        assertEquals("end_turn", m2.path("stop_reason").asText(), "after the tool result the simulator answers in text");
        assertEquals("text", m2.path("content").path(0).path("type").asText());
    }

    @Test
    void aToolRoundTripIsTranslatedForAnOpenAiCompatibleUpstream() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"msg-chat-tools\",\"max_tokens\":100," + TOOLS
                + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"get_weather\",\"disable_parallel_tool_use\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject sent = upstream.last().body();
        JsonObject fn = sent.getJsonArray("tools").getJsonObject(0);
        assertEquals("function", fn.getString("type"));
        assertEquals("get_weather", fn.getJsonObject("function").getString("name"));
        assertEquals("object", fn.getJsonObject("function").getJsonObject("parameters").getString("type"));
        assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")), sent.getJsonObject("tool_choice"));
        assertEquals(false, sent.getBoolean("parallel_tool_calls"));
        JsonNode m = Json.parse(r.body());
        assertEquals("tool_use", m.path("stop_reason").asText());
        assertEquals("{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}", Json.write(m.path("content").path(0)));

        HttpResponse<String> r2 = post("{\"model\":\"msg-chat-basic\",\"max_tokens\":100," + TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"Use the tool.\",\"signature\":\"\"},"
                + "{\"type\":\"text\",\"text\":\"Let me check.\"}," + Json.write(m.path("content").path(0)) + "]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_1\",\"content\":[{\"type\":\"text\",\"text\":\"18 C\"}]},"
                + "{\"type\":\"text\",\"text\":\"And tomorrow?\"}]}]}");
        assertEquals(200, r2.statusCode(), r2.body());
        JsonArray msgs = upstream.last().body().getJsonArray("messages");
        assertEquals(4, msgs.size(), msgs.encode());
        JsonObject assistant = msgs.getJsonObject(1);
        assertEquals("Let me check.", assistant.getString("content"));
        assertEquals("Use the tool.", assistant.getString("reasoning_content"), "a tool-calling turn keeps its reasoning (DeepSeek needs it)");
        JsonObject call = assistant.getJsonArray("tool_calls").getJsonObject(0);
        assertEquals("call_1", call.getString("id"));
        assertEquals("{\"city\":\"Paris\"}", call.getJsonObject("function").getString("arguments"));
        assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "18 C"), msgs.getJsonObject(2));
        assertEquals(new JsonObject().put("role", "user").put("content", "And tomorrow?"), msgs.getJsonObject(3), "user text after the tool results");
    }

    @Test
    void aStreamedToolCallFromTheSimulator() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"sim-chat\",\"max_tokens\":100,\"stream\":true," + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}");
        List<Event> ev = events(r.body());
        assertEquals("tool_use", ev.get(1).data().path("content_block").path("type").asText());
        StringBuilder args = new StringBuilder();
        for (Event e : ev) if (e.name().equals("content_block_delta")) args.append(e.data().path("delta").path("partial_json").asText());
        assertEquals("{\"city\":\"sample\"}", args.toString());
        assertEquals("tool_use", ev.get(ev.size() - 2).data().path("delta").path("stop_reason").asText());
    }

    // ---- reasoning -------------------------------------------------------------------------

    @Test
    void reasoningBecomesThinkingBlocks() throws Exception {
        List<Event> ev = events(post(hello("deepseek-reasoner", true)).body());
        assertEquals(List.of("message_start",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), names(ev));
        assertEquals("{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}", Json.write(ev.get(1).data().path("content_block")));
        assertEquals("{\"type\":\"thinking_delta\",\"thinking\":\"Hmm\"}", Json.write(ev.get(2).data().path("delta")));
        assertEquals(1, ev.get(6).data().path("index").asInt());
        assertEquals("text", ev.get(6).data().path("content_block").path("type").asText());

        JsonNode whole = Json.parse(post(hello("deepseek-reasoner-chat", false)).body());
        assertEquals("thinking", whole.path("content").path(0).path("type").asText());
        assertEquals("The user asks a geography question. Paris.", whole.path("content").path(0).path("thinking").asText());
        assertEquals("The capital of France is Paris.", whole.path("content").path(1).path("text").asText());
        assertEquals(40, whole.path("usage").path("output_tokens").asInt());
    }

    @Test
    void thinkTagsOfAnOpenWeightModelBecomeAThinkingBlock() throws Exception {
        JsonNode m = Json.parse(post(hello("think-split-chat", false)).body());
        assertEquals(List.of("thinking", "text"), List.of(m.path("content").path(0).path("type").asText(), m.path("content").path(1).path("type").asText()));
        assertEquals("The capital of France is Paris.", m.path("content").path(1).path("text").asText());
    }

    // ---- through a translating adapter -----------------------------------------------------

    @Test
    void anAnthropicBackendAnswersThroughTheSamePipeline() throws Exception {
        JsonNode m = Json.parse(post(hello("claude-basic", false)).body());
        assertEquals("Hello! How can I help you today?", m.path("content").path(0).path("text").asText());
        assertEquals("end_turn", m.path("stop_reason").asText());
        assertEquals(112, m.path("usage").path("input_tokens").asInt(), "12 uncached + 100 written to the cache");
        assertEquals(30, m.path("usage").path("cache_read_input_tokens").asInt());
        assertEquals(12, m.path("usage").path("output_tokens").asInt());

        List<Event> ev = events(post(hello("claude-stream-thinking", true)).body());
        assertEquals(List.of("message_start",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), names(ev));
        assertEquals("thinking", ev.get(1).data().path("content_block").path("type").asText());
        assertEquals("Check divisors up to 31", ev.get(2).data().path("delta").path("thinking").asText());
        assertEquals("Yes, 1009 is prime.", ev.get(6).data().path("delta").path("text").asText());
        assertEquals(120, ev.get(8).data().path("usage").path("output_tokens").asInt());
    }

    // ---- errors ----------------------------------------------------------------------------

    static JsonNode anthropicError(HttpResponse<String> r, int status, String type) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        JsonNode e = Json.parse(r.body());
        assertEquals("error", e.path("type").asText(), r.body());
        assertEquals(type, e.path("error").path("type").asText(), r.body());
        assertFalse(e.path("error").path("message").asText().isEmpty());
        assertEquals(r.headers().firstValue("request-id").orElseThrow(), e.path("request_id").asText());
        assertFalse(r.body().contains("Exception"));
        return e;
    }

    @Test
    void aWrongOrMissingKeyIs401() throws Exception {
        anthropicError(post(hello("sim-chat", false), "x-api-key", "frg-wrong-key-000"), 401, "authentication_error");
        anthropicError(post(hello("sim-chat", false), "authorization", "Bearer frg-wrong-key-000"), 401, "authentication_error");
        JsonNode e = anthropicError(post(hello("sim-chat", false), "x-extra", "1"), 401, "authentication_error");
        assertTrue(e.path("error").path("message").asText().contains("x-api-key"));
    }

    @Test
    void anUnknownModelIs404() throws Exception {
        anthropicError(post(hello("no-such-model", false)), 404, "not_found_error");
        anthropicError(post(hello("no-such-model", true)), 404, "not_found_error");
    }

    @Test
    void badRequestsAre400NamingTheField() throws Exception {
        JsonNode e = anthropicError(post("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "invalid_request_error");
        assertTrue(e.path("error").path("message").asText().contains("max_tokens"), e.toString());
        String[][] cases = {
                {"{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5}", "messages"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":\"5\",\"messages\":[]}", "max_tokens"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"messages\":[]}", "messages"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"messages\":{}}", "messages"},
                {"{\"model\":7,\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}", "messages[0].role"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]}", "messages[0].content[0].type"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_x\"}]}]}", "messages[0].content[0].tool_use_id"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"temperature\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "temperature"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "stream"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"tools\":[{\"name\":\"f\"}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "tools[0].input_schema"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "tools[0].type"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"tool_choice\":{\"type\":\"maybe\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "tool_choice.type"},
                {"{\"model\":\"sim-chat\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/bmp\",\"data\":\"x\"}}]}]}", "messages[0].content[0].source.media_type"},
        };
        for (String[] c : cases) {
            JsonNode err = anthropicError(post(c[0]), 400, "invalid_request_error");
            assertTrue(err.path("error").path("message").asText().contains(c[1]), c[0] + " → " + err);
        }
        anthropicError(post("{\"model\": \"sim-chat\", "), 400, "invalid_request_error");
        anthropicError(post("[1]"), 400, "invalid_request_error");
    }

    @Test
    void anUpstreamRateLimitIs429WithRetryAfter() throws Exception {
        HttpResponse<String> r = post(hello("msg-error-429", false));
        anthropicError(r, 429, "rate_limit_error");
        assertEquals("7", r.headers().firstValue("retry-after").orElseThrow());
    }

    @Test
    void requestsAreMeteredLikeChatCompletions() {
        String[] messages = {"endpoint=\"messages\"", "model=\"sim-chat\"", "provider=\"sim\"", "status=\"200\"", "team=\"e2e\""};
        String[] completion = {"model=\"sim-chat\"", "provider=\"sim\"", "team=\"e2e\"", "type=\"completion\""};
        MetricsPage before = MetricsPage.scrape();
        given().header("x-api-key", KEY).contentType("application/json").body(hello("sim-chat", false))
                .post("/v1/messages").then().statusCode(200);
        MetricsPage after = new MetricsPage(given().get("/q/metrics").then().statusCode(200)
                .body(containsString("frugal_requests_total{endpoint=\"messages\",model=\"sim-chat\",provider=\"sim\",status=\"200\",team=\"e2e\""))
                .body(containsString("frugal_tokens_total{model=\"sim-chat\",provider=\"sim\",team=\"e2e\",type=\"completion\""))
                .extract().asString());
        assertEquals(1, after.value("frugal_requests_total", messages) - before.value("frugal_requests_total", messages));
        assertTrue(after.value("frugal_tokens_total", completion) > before.value("frugal_tokens_total", completion), "completion tokens");
    }
}
