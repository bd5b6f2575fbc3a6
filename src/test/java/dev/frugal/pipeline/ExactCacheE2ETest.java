package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.frugal.testsupport.MetricsPage;
import dev.frugal.testsupport.SdkGatewayTest;
import dev.frugal.testsupport.TestTime;
import dev.frugal.wire.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exact cache end to end (the cache section of frugal-test.yaml caches only the cache-* models
 * and the route cache-route): a repeated request is answered from the cache without reaching the
 * upstream; a stored answer replays as a plain body, as a stream the official OpenAI SDK reads into
 * the same content, tool calls and usage, and in Anthropic's format on /v1/messages; Cache-Control;
 * what is never stored; teams never share an answer; the TTL on the gateway's clock; a route's key.
 * Every test asks its own question (a fresh nonce), since the cache outlives a test.
 */
@QuarkusTest
class ExactCacheE2ETest extends SdkGatewayTest {
    static final String A = "frg-test-cache-a-key";
    static final String B = "frg-test-cache-b-key";

    @Override
    protected String key() { return A; }

    /** A deterministic chat request (temperature 0) with a question of its own. */
    static ObjectNode chat(String model, String question) {
        ObjectNode b = Json.object().put("model", model).put("temperature", 0);
        b.putArray("messages").addObject().put("role", "user").put("content", question);
        return b;
    }

    static Response post(String key, ObjectNode body, String... headers) {
        var req = given().header("Authorization", "Bearer " + key).contentType("application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) req.header(headers[i], headers[i + 1]);
        return req.body(Json.write(body)).post("/v1/chat/completions");
    }

    static String nonce() {
        return "question " + UUID.randomUUID();
    }

    /**
     * Sends a request and waits until the cache has settled its answer with {@code result}
     * ({@code frugal.cache.stores}): the store follows the response by a moment, so a test that asks
     * again at once must wait for this event. 10 s at most.
     */
    static <T> T settled(String result, Supplier<T> send) {
        double before = stores(result);
        T answer = send.get();
        long until = System.nanoTime() + 10_000_000_000L;
        while (stores(result) <= before) {
            if (System.nanoTime() > until) throw new AssertionError("the cache did not settle an answer as '" + result + "' within 10 s");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return answer;
    }

    static Response stored(String key, ObjectNode body, String... headers) {
        return settled("stored", () -> post(key, body, headers));
    }

    private static double stores(String result) {
        return MetricsPage.scrape().value("frugal_cache_stores_total", "result=\"" + result + "\"");
    }

    private int upstreamCalls() {
        return upstream.all().size();
    }

    // ---- hits and misses -------------------------------------------------------------------------

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheWithoutReachingTheUpstream() {
        ObjectNode body = chat("cache-echo", nonce());
        Response first = stored(A, body);
        assertEquals(200, first.statusCode(), first.asString());
        assertEquals("miss", first.header("x-frugal-cache"));
        assertEquals(1, upstreamCalls());
        Response second = post(A, body.deepCopy().put("user", "someone else")); // who asks is not in the key
        assertEquals(200, second.statusCode(), second.asString());
        assertEquals("hit", second.header("x-frugal-cache"));
        assertEquals("0", second.header("x-frugal-attempts"), "no upstream attempt");
        assertEquals(1, upstreamCalls(), "the hit never reached the upstream");
        assertEquals(first.asString(), second.asString(), "the same body, byte for byte");
        assertEquals("application/json", second.contentType());
    }

    @Test
    void aStreamIsReplayedAsAStreamThatTheOpenAiSdkReadsIntoTheSameContentToolCallsAndUsage() {
        String q = nonce();
        ChatCompletionCreateParams tools = withWeatherTool(sdkChat("cache-fixture", q))
                .putAdditionalBodyProperty("fixture", JsonValue.from("stream-tool-calls"))
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        Streamed original = settled("stored", () -> stream(tools));
        Streamed replayed = stream(tools);
        assertEquals(1, upstreamCalls(), "the second stream came from the cache");
        assertEquals(2, replayed.completion.choices().get(0).message().toolCalls().orElseThrow().size());
        assertEquals(original.completion.choices().get(0).message().toolCalls(), replayed.completion.choices().get(0).message().toolCalls(),
                "tool calls: ids, names, arguments");
        assertEquals(original.completion.choices().get(0).finishReason(), replayed.completion.choices().get(0).finishReason());
        assertEquals(original.usage, replayed.usage);
        assertEquals(90, replayed.usage.totalTokens());

        ChatCompletionCreateParams text = sdkChat("cache-fixture", q).putAdditionalBodyProperty("fixture", JsonValue.from("stream-basic"))
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        Streamed first = settled("stored", () -> stream(text));
        Streamed again = stream(text);
        assertEquals(2, upstreamCalls());
        assertEquals("Hello world.", again.completion.choices().get(0).message().content().orElseThrow());
        assertEquals(first.completion.choices().get(0).message().content(), again.completion.choices().get(0).message().content());
        assertEquals(first.usage, again.usage);
        assertEquals("assistant", again.chunks.get(0).choices().get(0).delta().role().orElseThrow().asString(), "a role chunk first");
    }

    @Test
    void oneStoredAnswerServesAPlainRequestAndAStreamedOne() {
        ChatCompletionCreateParams tools = withWeatherTool(sdkChat("cache-fixture", nonce()))
                .putAdditionalBodyProperty("fixture", JsonValue.from("chat-tools")).build();
        ChatCompletion plain = settled("stored", () -> client.chat().completions().create(tools));
        Streamed asStream = stream(tools); // the same request, streamed: stream is not in the key
        assertEquals(1, upstreamCalls());
        assertEquals(plain.choices().get(0).message().toolCalls(), asStream.completion.choices().get(0).message().toolCalls());
        assertEquals(plain.choices().get(0).finishReason(), asStream.completion.choices().get(0).finishReason());
        assertNull(asStream.usage, "no usage chunk: the client did not ask for one");

        ChatCompletionCreateParams text = sdkChat("cache-fixture", nonce()).putAdditionalBodyProperty("fixture", JsonValue.from("stream-basic"))
                .build();
        Streamed streamed = settled("stored", () -> stream(text));
        ChatCompletion asPlain = client.chat().completions().create(text);
        assertEquals(2, upstreamCalls());
        assertEquals("Hello world.", asPlain.choices().get(0).message().content().orElseThrow());
        assertEquals(streamed.completion.choices().get(0).message().content(), asPlain.choices().get(0).message().content());
        assertTrue(asPlain.usage().orElseThrow().totalTokens() > 0, "the stream's usage, which the gateway always asks for");

        ObjectNode body = chat("cache-fixture", nonce()).put("fixture", "chat-basic");
        stored(A, body);
        Response sse = post(A, body.deepCopy().put("stream", true));
        assertEquals("hit", sse.header("x-frugal-cache"));
        assertTrue(sse.contentType().startsWith("text/event-stream"), sse.contentType());
        assertTrue(sse.asString().startsWith("data: {"), sse.asString());
        assertTrue(sse.asString().endsWith("data: [DONE]\n\n"), "a proper SSE stream, ended by [DONE]: " + sse.asString());
    }

    @Test
    void theMessagesEndpointReplaysTheStoredAnswerInAnthropicsFormat() {
        String q = nonce();
        String body = "{\"model\":\"cache-echo\",\"max_tokens\":100,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\""
                + q + "\"}]}";
        Response first = settled("stored", () -> given().header("x-api-key", A).header("anthropic-version", "2023-06-01")
                .contentType("application/json").body(body).post("/v1/messages"));
        Response second = given().header("x-api-key", A).header("anthropic-version", "2023-06-01").contentType("application/json")
                .body(body).post("/v1/messages");
        assertEquals(200, second.statusCode(), second.asString());
        assertEquals("miss", first.header("x-frugal-cache"));
        assertEquals("hit", second.header("x-frugal-cache"));
        assertEquals("message", second.jsonPath().getString("type"));
        assertEquals("echo echo-cache", second.jsonPath().getString("content[0].text"));
        assertEquals("end_turn", second.jsonPath().getString("stop_reason"));
        assertEquals(first.jsonPath().getInt("usage.output_tokens"), second.jsonPath().getInt("usage.output_tokens"));
        Response streamed = given().header("x-api-key", A).header("anthropic-version", "2023-06-01").contentType("application/json")
                .body(body.replace("\"max_tokens\":100,", "\"max_tokens\":100,\"stream\":true,")).post("/v1/messages");
        assertEquals("hit", streamed.header("x-frugal-cache"));
        String events = streamed.asString();
        for (String e : List.of("message_start", "content_block_start", "content_block_delta", "message_delta", "message_stop")) {
            assertTrue(events.contains("event: " + e), e + " in " + events);
        }
        assertTrue(events.contains("echo echo-cache"), events);
        assertEquals(1, upstreamCalls());
    }

    // ---- Cache-Control, and what is never stored -------------------------------------------------------

    @Test
    void noCacheSkipsTheLookupButStoresAndNoStoreSkipsBoth() {
        ObjectNode body = chat("cache-echo", nonce());
        assertEquals("bypass", settled("bypass", () -> post(A, body, "Cache-Control", "no-store")).header("x-frugal-cache"));
        assertEquals("miss", stored(A, body).header("x-frugal-cache"), "no-store stored nothing");
        ObjectNode other = chat("cache-echo", nonce());
        assertEquals("bypass", stored(A, other, "Cache-Control", "max-age=0, No-Cache").header("x-frugal-cache"));
        assertEquals("bypass", stored(A, other, "Cache-Control", "no-cache").header("x-frugal-cache"), "no lookup, even with an entry");
        assertEquals(4, upstreamCalls());
        assertEquals("hit", post(A, other).header("x-frugal-cache"), "no-cache stored its answer");
        assertEquals(4, upstreamCalls());
    }

    @Test
    void whatIsNotDeterministicIsNeitherLookedUpNorStored() {
        ObjectNode body = chat("cache-echo", nonce());
        body.remove("temperature");
        assertEquals("bypass", settled("bypass", () -> post(A, body)).header("x-frugal-cache"));
        assertEquals("bypass", settled("bypass", () -> post(A, body)).header("x-frugal-cache"));
        assertEquals(2, upstreamCalls());
        ObjectNode seeded = body.deepCopy().put("seed", 42).put("temperature", 0.9);
        stored(A, seeded);
        assertEquals("hit", post(A, seeded).header("x-frugal-cache"), "a seed makes it reproducible");
    }

    @Test
    void errorsCutStreamsAndAnswersCutByTheirLimitAreNeverStored() {
        String q = nonce();
        Map<String, String> why = Map.of("error-500", "error", "finish-length", "finish_reason", "finish-content-filter", "finish_reason",
                "stream-cut", "error", "stream-truncated", "error", "stream-error", "error"); // a cut stream ends in an in-band error
        for (String fixture : List.of("error-500", "finish-length", "finish-content-filter")) {
            ObjectNode body = chat("cache-fixture", q).put("fixture", fixture);
            Response first = settled(why.get(fixture), () -> post(A, body));
            assertEquals("miss", first.header("x-frugal-cache"), fixture);
            Response again = settled(why.get(fixture), () -> post(A, body));
            assertEquals(first.statusCode(), again.statusCode(), fixture);
            assertTrue(again.header("x-frugal-cache") == null || "miss".equals(again.header("x-frugal-cache")), fixture);
        }
        for (String fixture : List.of("stream-cut", "stream-truncated", "stream-error")) {
            ObjectNode body = chat("cache-fixture", q).put("fixture", fixture).put("stream", true);
            settled(why.get(fixture), () -> post(A, body).asString());
            assertEquals("miss", settled(why.get(fixture), () -> post(A, body)).header("x-frugal-cache"), fixture);
        }
        assertEquals(12, upstreamCalls(), "every one of them reached the upstream twice");
    }

    @Test
    void modelsThatAreNotCachedAndEmbeddingsCarryNoCacheHeader() {
        Response plain = given().header("Authorization", "Bearer " + SdkGatewayTest.E2E_KEY).contentType("application/json")
                .body(Json.write(chat("gpt-test", nonce()))).post("/v1/chat/completions");
        assertEquals(200, plain.statusCode());
        assertNull(plain.header("x-frugal-cache"));
        Response embeddings = given().header("Authorization", "Bearer " + A).contentType("application/json")
                .body("{\"model\":\"minilm\",\"input\":\"hello\"}").post("/v1/embeddings");
        assertEquals(200, embeddings.statusCode(), embeddings.asString());
        assertNull(embeddings.header("x-frugal-cache"));
    }

    // ---- scope ---------------------------------------------------------------------------------------

    @Test
    void theSameRequestFromTwoTeamsNeverCrosses() {
        ObjectNode body = chat("cache-echo", nonce());
        assertEquals("miss", stored(A, body).header("x-frugal-cache"));
        assertEquals("miss", stored(B, body).header("x-frugal-cache"), "team b never gets team a's answer");
        assertEquals(2, upstreamCalls());
        assertEquals("hit", post(B, body).header("x-frugal-cache"), "but its own");
        assertEquals("hit", post(A, body).header("x-frugal-cache"));
        assertEquals(2, upstreamCalls());
    }

    @Test
    void aGlobalAnswerIsSharedOnlyWithTeamsThatMayCallTheModel() {
        ObjectNode body = chat("cache-global", nonce());
        assertEquals("miss", stored(A, body).header("x-frugal-cache"));
        assertEquals("hit", post(B, body).header("x-frugal-cache"), "scope global: shared on the admin's say-so");
        Response outsider = post("frg-test-other-key", body);
        assertEquals(404, outsider.statusCode(), "a team that may not call the model gets no answer, cached or not");
        assertNull(outsider.header("x-frugal-cache"));
        assertEquals(1, upstreamCalls());
    }

    @Test
    void aRouteIsKeyedByItsNameAndItsRowNamesTheModelThatProducedTheAnswer() throws Exception {
        String q = nonce();
        Response first = stored(A, chat("cache-route", q));
        Response hit = post(A, chat("cache-route", q));
        assertEquals("hit", hit.header("x-frugal-cache"));
        assertEquals("miss", stored(A, chat("cache-echo", q)).header("x-frugal-cache"), "the route's answer is the route's");
        assertEquals(first.asString(), hit.asString());
        Map<String, Object> row = ledgerRows.row(hit.header("x-request-id"));
        assertEquals("cache-route", row.get("route"));
        assertEquals(true, row.get("cache_hit"));
        assertEquals("cache", row.get("provider"));
        assertEquals("echo-cache", row.get("upstream_model"));
        assertEquals("cache hit (memory): cache-echo [fake-cache/echo-cache]", row.get("route_decision"));
    }

    // ---- time ----------------------------------------------------------------------------------------

    @Test
    void anAnswerExpiresAfterItsTtlOnTheGatewaysClock() {
        ObjectNode body = chat("cache-echo", nonce()); // cache-echo: ttl 10m
        stored(A, body);
        TestTime.advance(Duration.ofMinutes(9));
        assertEquals("hit", post(A, body).header("x-frugal-cache"));
        TestTime.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertEquals("miss", stored(A, body).header("x-frugal-cache"), "past its 10 minutes");
        assertEquals(2, upstreamCalls());
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    @jakarta.inject.Inject dev.frugal.testsupport.LedgerRows ledgerRows;

    private record Streamed(ChatCompletion completion, CompletionUsage usage, List<ChatCompletionChunk> chunks) {}

    private Streamed stream(ChatCompletionCreateParams params) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        CompletionUsage usage = null;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk ch : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                chunks.add(ch);
                acc.accumulate(ch);
                if (ch.usage().isPresent()) usage = ch.usage().get();
            }
        }
        return new Streamed(acc.chatCompletion(), usage, chunks);
    }

    private static ChatCompletionCreateParams.Builder sdkChat(String model, String question) {
        return ChatCompletionCreateParams.builder().model(model).temperature(0.0).addUserMessage(question);
    }

    private static ChatCompletionCreateParams.Builder withWeatherTool(ChatCompletionCreateParams.Builder b) {
        return b.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build()).build()).build());
    }
}
