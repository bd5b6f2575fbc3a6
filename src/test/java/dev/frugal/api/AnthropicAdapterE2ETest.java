package dev.frugal.api;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.SdkGatewayTest;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway in front of an Anthropic Messages API, driven by the official OpenAI Java SDK: the
 * client speaks OpenAI, the fake upstream answers from {@code fixtures/anthropic/} as Anthropic would.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AnthropicAdapterE2ETest extends SdkGatewayTest {
    static final String KEY = E2E_KEY;


    static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Hello there");
    }

    List<ChatCompletionChunk> stream(ChatCompletionCreateParams params, ChatCompletionAccumulator acc) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> {
                chunks.add(c);
                acc.accumulate(c);
            });
        }
        return chunks;
    }

    @Test
    void aPlainChatIsTranslatedBothWaysWithCacheAwareUsage() {
        ChatCompletion c = client.chat().completions().create(chat("claude-basic").build());
        assertEquals("Hello! How can I help you today?", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals("msg_01XFDUDYJgAACzvnptvVoYEL", c.id());
        CompletionUsage u = c.usage().orElseThrow();
        assertEquals(142, u.promptTokens(), "input + cache creation + cache read");
        assertEquals(12, u.completionTokens());
        assertEquals(154, u.totalTokens());
        assertEquals(30, u.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());

        FakeUpstream.Received got = upstream.last();
        assertEquals("/v1/messages", got.path());
        assertEquals("test-anthropic-secret-456", got.headers().get("x-api-key"));
        assertEquals("2023-06-01", got.headers().get("anthropic-version"));
        assertEquals("fine-grained-tool-streaming-2025-05-14", got.headers().get("anthropic-beta"));
        assertNull(got.headers().get("authorization"), "Anthropic takes its key in x-api-key");
        assertFalse(got.headers().toString().contains(KEY), "the client key never goes upstream");
        JsonObject body = got.body();
        assertEquals("chat-basic", body.getString("model"));
        assertEquals(1000, body.getInteger("max_tokens"), "the provider's default-max-tokens when the client gives none");
        assertEquals("Be brief.", body.getString("system"));
        assertEquals("user", body.getJsonArray("messages").getJsonObject(0).getString("role"));
        assertFalse(body.containsKey("stream"));
    }

    @Test
    void parallelToolCallsComeBackAsOpenAiToolCalls() {
        ChatCompletion c = client.chat().completions().create(OpenAiSdkTest.withWeatherTool(chat("claude-parallel-tools")).build());
        ChatCompletion.Choice choice = c.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertEquals("I will look up both cities.", choice.message().content().orElseThrow());
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertEquals(2, calls.size());
        assertEquals("toolu_01Paris", calls.get(0).asFunction().id());
        assertEquals("{\"city\":\"Rome\"}", calls.get(1).asFunction().function().arguments());
        JsonObject tool = upstream.last().body().getJsonArray("tools").getJsonObject(0);
        assertEquals("get_weather", tool.getString("name"));
        assertEquals("object", tool.getJsonObject("input_schema").getString("type"));
    }

    @Test
    void jsonModeAnswersWithTheForcedToolsInputAsContent() {
        ChatCompletion c = client.chat().completions().create(chat("claude-json").responseFormat(ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name("person")
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("name", Map.of("type", "string"))))
                                .build()).build()).build()).build());
        assertEquals("{\"name\":\"Ada Lovelace\",\"born\":1815}", c.choices().get(0).message().content().orElseThrow());
        assertTrue(c.choices().get(0).message().toolCalls().isEmpty());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        JsonObject choice = upstream.last().body().getJsonObject("tool_choice");
        assertEquals("tool", choice.getString("type"));
        assertEquals("json_response", choice.getString("name"));
    }

    @Test
    void stopReasonsBecomeOpenAiFinishReasons() {
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH,
                client.chat().completions().create(chat("claude-max-tokens").build()).choices().get(0).finishReason());
        assertEquals(ChatCompletion.Choice.FinishReason.CONTENT_FILTER,
                client.chat().completions().create(chat("claude-refusal").build()).choices().get(0).finishReason());
    }

    @Test
    void aStreamIsConvertedChunkByChunkWithUsageWhenAsked() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = stream(chat("claude-stream")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build(), acc);
        ChatCompletion c = acc.chatCompletion();
        assertEquals("Hello world.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertEquals(132, last.usage().orElseThrow().promptTokens());
        assertEquals(100, last.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals(7, last.usage().orElseThrow().completionTokens());
        assertEquals(Boolean.TRUE, upstream.last().body().getBoolean("stream"));
    }

    @Test
    void aCrlfStreamWithoutAUsageRequestHasNoUsageChunk() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = stream(chat("claude-stream-crlf").build(), acc);
        assertEquals("Line one\r\nline two — done.", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, acc.chatCompletion().choices().get(0).finishReason());
        assertTrue(chunks.stream().allMatch(ch -> ch.usage().isEmpty() && !ch.choices().isEmpty()));
    }

    @Test
    void streamedToolArgumentsSplitAcrossEventsAssembleUnderOpenAiIndexes() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        stream(OpenAiSdkTest.withWeatherTool(chat("claude-stream-tools")).build(), acc);
        ChatCompletion c = acc.chatCompletion();
        assertEquals("Checking both.", c.choices().get(0).message().content().orElseThrow());
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertEquals(2, calls.size(), "Anthropic's blocks 1 and 2 are OpenAI's tool calls 0 and 1");
        assertEquals("toolu_01Paris", calls.get(0).asFunction().id());
        assertEquals("{\"city\": \"Paris\"}", calls.get(0).asFunction().function().arguments());
        assertEquals("toolu_02Rome", calls.get(1).asFunction().id());
        assertEquals("{\"city\": \"Rome\"}", calls.get(1).asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
    }

    @Test
    void thinkingStreamsAsReasoningContentAndReasoningEffortTurnsItOn() {
        List<ChatCompletionChunk> chunks = stream(chat("claude-stream-thinking").reasoningEffort(ReasoningEffort.LOW).build(),
                ChatCompletionAccumulator.create());
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (ChatCompletionChunk ch : chunks) {
            for (ChatCompletionChunk.Choice choice : ch.choices()) {
                JsonValue r = choice.delta()._additionalProperties().get("reasoning_content");
                if (r != null) reasoning.append(r.asString().orElseThrow());
                choice.delta().content().ifPresent(content::append);
            }
        }
        assertEquals("Check divisors up to 31: none divide 1009.", reasoning.toString());
        assertEquals("Yes, 1009 is prime.", content.toString());
        JsonObject thinking = upstream.last().body().getJsonObject("thinking");
        assertEquals("enabled", thinking.getString("type"));
        assertEquals(1024, thinking.getInteger("budget_tokens"));
    }

    @Test
    void anErrorEventMidStreamFailsTheStreamAfterTheContentSoFar() {
        List<String> seen = new ArrayList<>();
        OpenAIServiceException e = assertThrows(OpenAIServiceException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("claude-stream-error").build())) {
                s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(seen::add)));
            }
        });
        assertTrue(seen.contains("Partial answer"), seen.toString());
        assertTrue(e.getMessage().contains("overloaded_error"), e.getMessage());
    }

    @Test
    void aStreamCutMidEventFailsInBand() {
        assertThrows(OpenAIServiceException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("claude-stream-cut").build())) {
                s.stream().forEach(ch -> { });
            }
        });
    }

    @Test
    void anOverloadedStartFallsBackOrAnswers503() {
        InternalServerException e = assertThrows(InternalServerException.class,
                () -> client.chat().completions().createStreaming(chat("claude-stream-overloaded").build()).close());
        assertEquals(503, e.statusCode());
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        stream(chat("claude-stream-overloaded-then-openai").build(), acc);
        assertEquals("echo echo-after-claude", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        ChatCompletion plain = client.chat().completions().create(chat("claude-overloaded-then-openai").build());
        assertEquals("echo echo-after-claude", plain.choices().get(0).message().content().orElseThrow(), "529 is retryable");
    }

    @Test
    void upstreamErrorsAreMappedToOpenAiErrors() {
        RateLimitException limited = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(chat("claude-429").build()));
        assertEquals(List.of("30"), limited.headers().values("retry-after"));
        InternalServerException overloaded = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(chat("claude-529").build()));
        assertEquals(503, overloaded.statusCode(), "529 is not a status OpenAI clients know");
        OpenAIServiceException auth = assertThrows(OpenAIServiceException.class,
                () -> client.chat().completions().create(chat("claude-401").build()));
        assertEquals(502, auth.statusCode(), "our provider key was refused, not the client's");
        assertEquals("upstream_auth_failed", auth.code().orElseThrow());
        assertFalse(auth.getMessage().contains("test-anthropic-secret"), auth.getMessage());
        BadRequestException bad = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("claude-400").build()));
        assertTrue(bad.getMessage().contains("roles must alternate"), bad.getMessage());
    }

    @Test
    void whatAnthropicCannotDoIsA400NamingTheFieldAndNeverReachesIt() {
        BadRequestException n = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("claude-basic").n(2).build()));
        assertEquals("n", n.param().orElseThrow());
        assertTrue(n.getMessage().contains("not supported by anthropic"), n.getMessage());
        BadRequestException t = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("claude-basic").temperature(1.5).build()));
        assertEquals("temperature", t.param().orElseThrow());
        assertNull(upstream.last(), "nothing reached the upstream");
    }

    @Test
    void embeddingsAreRefusedClearly() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> client.embeddings().create(
                EmbeddingCreateParams.builder().model("claude-basic").input("one").build()));
        assertTrue(e.getMessage().contains("does not support embeddings"), e.getMessage());
        BadRequestException batch = assertThrows(BadRequestException.class, () -> client.embeddings().create(
                EmbeddingCreateParams.builder().model("claude-basic").inputOfArrayOfStrings(List.of("one", "two")).build()));
        assertTrue(batch.getMessage().contains("does not support embeddings"), batch.getMessage());
        assertNull(upstream.last());
    }
}
