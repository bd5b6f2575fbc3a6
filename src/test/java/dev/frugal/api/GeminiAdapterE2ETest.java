package dev.frugal.api;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.SdkGatewayTest;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gemini adapter end to end: the official OpenAI Java SDK talks to the gateway, which talks
 * Gemini to {@link FakeUpstream} replaying {@code fixtures/gemini/<case>} (the deployment's model
 * names the case).
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GeminiAdapterE2ETest extends SdkGatewayTest {
    static final String KEY = E2E_KEY;
    static final String GEMINI_KEY = "test-gemini-secret-456";


    static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello.");
    }

    @Test
    void plainChatIsTranslatedBothWaysWithTheKeyInAHeader() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-chat")
                .addSystemMessage("You are terse.").addDeveloperMessage("Answer in English.").addUserMessage("Say hello.")
                .maxCompletionTokens(256).temperature(0.2).stop("END").reasoningEffort(ReasoningEffort.LOW).build());
        ChatCompletion.Choice choice = c.choices().get(0);
        assertEquals("Hello from Gemini.", choice.message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertEquals("The user wants a short greeting.", choice.message()._additionalProperties().get("reasoning_content").convert(String.class));
        assertEquals("kXc9aM7mJ4fVz7IPo4KF2Qs", c.id());
        assertEquals("gemini-2.5-flash", c.model());
        assertEquals(12, c.usage().orElseThrow().promptTokens());
        assertEquals(24, c.usage().orElseThrow().completionTokens(), "candidates + thoughts");
        assertEquals(36, c.usage().orElseThrow().totalTokens());
        assertEquals(8, c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals(20, c.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow());

        FakeUpstream.Received got = upstream.last();
        assertEquals("/v1beta/models/chat-basic:generateContent", got.path());
        assertEquals(GEMINI_KEY, got.headers().get("x-goog-api-key"));
        assertNull(got.headers().get("authorization"), "Gemini takes its key in x-goog-api-key only");
        assertEquals("gemini-extra", got.headers().get("x-extra"));
        assertFalse(got.headers().toString().contains(KEY), "the client key never goes upstream");
        JsonObject body = got.body();
        assertEquals(new JsonArray().add(new JsonObject().put("text", "You are terse.")).add(new JsonObject().put("text", "Answer in English.")),
                body.getJsonObject("systemInstruction").getJsonArray("parts"));
        assertEquals("user", body.getJsonArray("contents").getJsonObject(0).getString("role"));
        JsonObject gen = body.getJsonObject("generationConfig");
        assertEquals(256, gen.getInteger("maxOutputTokens"));
        assertEquals(0.2, gen.getDouble("temperature"));
        assertEquals(new JsonArray().add("END"), gen.getJsonArray("stopSequences"));
        assertEquals(1024, gen.getJsonObject("thinkingConfig").getInteger("thinkingBudget"));
        assertFalse(body.containsKey("model") || body.containsKey("messages"), "no OpenAI fields reach Gemini");
    }

    @Test
    void toolCallsCarryTheirThoughtSignatureIntoTheNextTurnAndResultsBecomeFunctionResponses() {
        ChatCompletion first = client.chat().completions().create(OpenAiSdkTest.withWeatherTool(chat("gemini-tools"))
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        ChatCompletionMessage message = first.choices().get(0).message();
        List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElseThrow();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, first.choices().get(0).finishReason(), "Gemini's STOP after calls");
        assertEquals(2, calls.size());
        assertEquals("{\"city\":\"Paris\"}", calls.get(0).asFunction().function().arguments());
        assertEquals("{\"city\":\"Rome\"}", calls.get(1).asFunction().function().arguments());
        String signed = calls.get(0).asFunction().id();
        String plain = calls.get(1).asFunction().id();
        assertTrue(signed.startsWith("call_") && signed.contains("_ts_"), signed);
        assertTrue(plain.matches("call_[A-Za-z0-9]{24}"), plain);
        assertEquals("ANY", upstream.last().body().getJsonObject("toolConfig").getJsonObject("functionCallingConfig").getString("mode"));

        ChatCompletion second = client.chat().completions().create(OpenAiSdkTest.withWeatherTool(chat("gemini-tool-results"))
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(signed).content("{\"temp_c\": 21}").build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(plain).content("sunny, 25 C").build())
                .build());
        assertEquals("You're welcome.", second.choices().get(0).message().content().orElseThrow());
        JsonArray contents = upstream.last().body().getJsonArray("contents");
        JsonArray modelParts = contents.getJsonObject(1).getJsonArray("parts");
        assertEquals("model", contents.getJsonObject(1).getString("role"));
        assertEquals("Cs0BAVSoXO5+Kq/3Lm8=", modelParts.getJsonObject(0).getString("thoughtSignature"), "the signature went back unchanged");
        assertEquals(new JsonObject().put("city", "Paris"), modelParts.getJsonObject(0).getJsonObject("functionCall").getJsonObject("args"));
        assertFalse(modelParts.getJsonObject(1).containsKey("thoughtSignature"));
        JsonArray results = contents.getJsonObject(2).getJsonArray("parts");
        assertEquals(new JsonObject().put("name", "get_weather").put("response", new JsonObject().put("temp_c", 21)),
                results.getJsonObject(0).getJsonObject("functionResponse"));
        assertEquals(new JsonObject().put("name", "get_weather").put("response", new JsonObject().put("output", "sunny, 25 C")),
                results.getJsonObject(1).getJsonObject("functionResponse"));
    }

    @Test
    void streamedTextAssemblesAndTheUsageChunkComesWhenAsked() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("gemini-stream")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(ch -> { chunks.add(ch); acc.accumulate(ch); });
        }
        assertEquals("Hello world.", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, acc.chatCompletion().choices().get(0).finishReason());
        assertEquals(6, chunks.size(), "role, three texts, finish, usage");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertEquals(9, last.usage().orElseThrow().promptTokens());
        assertEquals(12, last.usage().orElseThrow().totalTokens());
        assertEquals("/v1beta/models/stream-basic:streamGenerateContent", upstream.last().path());
        assertEquals("text/event-stream", upstream.last().headers().get("accept"));
    }

    @Test
    void streamedToolCallsAssembleAndNoUsageReachesAClientThatDidNotAsk() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                OpenAiSdkTest.withWeatherTool(chat("gemini-stream-tools")).build())) {
            s.stream().forEach(ch -> { chunks.add(ch); acc.accumulate(ch); });
        }
        ChatCompletion c = acc.chatCompletion();
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertEquals(2, calls.size());
        assertEquals("get_weather", calls.get(0).asFunction().function().name());
        assertEquals("{\"city\":\"Paris\"}", calls.get(0).asFunction().function().arguments(), "start fragment + arguments fragment");
        assertEquals("{\"city\":\"Rome\"}", calls.get(1).asFunction().function().arguments());
        assertTrue(calls.get(0).asFunction().id().contains("_ts_"));
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
        assertTrue(chunks.stream().allMatch(ch -> ch.usage().isEmpty()));
    }

    @Test
    void streamedThoughtsArriveAsReasoningContentAndCountAsReasoningTokens() {
        StringBuilder reasoning = new StringBuilder();
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("gemini-stream-thinking")
                .reasoningEffort(ReasoningEffort.MEDIUM).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(ch -> {
                chunks.add(ch);
                acc.accumulate(ch);
                ch.choices().forEach(choice -> {
                    JsonValue r = choice.delta()._additionalProperties().get("reasoning_content");
                    if (r != null) reasoning.append(r.convert(String.class));
                });
            });
        }
        assertTrue(reasoning.toString().startsWith("**Checking divisors**"), reasoning.toString());
        assertEquals("Yes, 97 is prime.", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        var usage = chunks.get(chunks.size() - 1).usage().orElseThrow();
        assertEquals(120, usage.completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow());
        assertEquals(126, usage.completionTokens());
    }

    @Test
    void streamFailuresAfterTheFirstChunkAreReportedInBandWithoutDone() throws Exception {
        for (String[] c : new String[][]{{"gemini-stream-error", "The model is overloaded"}, {"gemini-stream-cut", "cut off"}}) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + c[0] + "\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), c[0]);
            List<String> events = StreamingTest.events(r.body());
            String last = events.get(events.size() - 1);
            assertTrue(last.startsWith("data: {\"error\":{") && last.contains(c[1]), c[0] + ": " + last);
            assertTrue(events.get(1).contains("\"content\":\""), c[0] + ": what came before the failure was relayed");
            assertFalse(r.body().contains("[DONE]"), c[0]);
            assertFalse(r.body().contains("\"finish_reason\":\"stop\""), c[0] + ": never a finish chunk after an error");
        }
    }

    @Test
    void aKeyGeminiRejectsWith400IsTheGatewaysFaultNotTheClients() {
        OpenAIServiceException e = assertThrows(OpenAIServiceException.class,
                () -> client.chat().completions().create(chat("gemini-bad-key").build()));
        assertEquals(502, e.statusCode());
        assertEquals("upstream_auth_failed", e.code().orElseThrow());
        assertFalse(e.getMessage().contains("API key not valid"), e.getMessage());
        assertFalse(e.getMessage().contains(GEMINI_KEY));
    }

    @Test
    void geminiErrorsMapToTheSdksClasses() {
        RateLimitException limited = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(chat("gemini-rate-limited").build()));
        assertEquals(List.of("17"), limited.headers().values("retry-after"), "from Gemini's RetryInfo (16.4s, rounded up)");
        BadRequestException bad = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("gemini-invalid").build()));
        assertTrue(bad.getMessage().contains("contents is not specified"), bad.getMessage());
    }

    @Test
    void whatGeminiCannotDoIsA400BeforeAnythingGoesUpstream() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("gemini-chat").n(2).build()));
        assertEquals("n", e.param().orElseThrow());
        assertTrue(e.getMessage().contains("is not supported by gemini"), e.getMessage());
        BadRequestException legacy = assertThrows(BadRequestException.class, () -> client.completions()
                .create(CompletionCreateParams.builder().model("gemini-chat").prompt("Hi").build()));
        assertTrue(legacy.getMessage().contains("does not support text completions"), legacy.getMessage());
        assertNull(upstream.last());
    }

    @Test
    void anOverloadedGeminiFallsBackToTheNextDeployment() {
        ChatCompletion c = client.chat().completions().create(chat("gemini-fallback").build());
        assertEquals("Hello from Gemini.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(List.of("/v1beta/models/error-503:generateContent", "/v1beta/models/chat-basic:generateContent"),
                upstream.all().stream().map(FakeUpstream.Received::path).toList());
    }

    @Test
    void aBlockedPromptEndsWithContentFilter() {
        ChatCompletion c = client.chat().completions().create(chat("gemini-blocked").build());
        assertEquals(ChatCompletion.Choice.FinishReason.CONTENT_FILTER, c.choices().get(0).finishReason());
        assertTrue(c.choices().get(0).message().content().isEmpty());
        assertEquals(7, c.usage().orElseThrow().promptTokens());
    }

    @Test
    void embeddingsOneByEmbedContentAndManyByBatchEmbedContents() {
        CreateEmbeddingResponse one = client.embeddings().create(EmbeddingCreateParams.builder().model("gemini-embed-one")
                .input("The quick brown fox").dimensions(3).build());
        assertEquals(List.of(0.013168523f, -0.008711934f, -0.046782676f), one.data().get(0).embedding(), "base64 by default, decoded by the SDK");
        assertEquals(0, one.usage().promptTokens(), "Gemini reports no tokens for embeddings");
        FakeUpstream.Received got = upstream.last();
        assertEquals("/v1beta/models/embeddings-single:embedContent", got.path());
        assertEquals(3, got.body().getInteger("outputDimensionality"));
        assertEquals(GEMINI_KEY, got.headers().get("x-goog-api-key"));

        CreateEmbeddingResponse many = client.embeddings().create(EmbeddingCreateParams.builder().model("gemini-embed-batch")
                .inputOfArrayOfStrings(List.of("one", "two")).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertEquals(List.of(0.25f, -0.5f, 1.0f), many.data().get(0).embedding());
        assertEquals(List.of(0.5f, -0.5f, 1.0f), many.data().get(1).embedding());
        assertEquals("/v1beta/models/embeddings-batch:batchEmbedContents", upstream.last().path());
        assertEquals("models/embeddings-batch", upstream.last().body().getJsonArray("requests").getJsonObject(1).getString("model"));
    }
}
