package dev.frugal.api;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.SdkGatewayTest;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK as a real client of the gateway. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class OpenAiSdkTest extends SdkGatewayTest {
    static final String KEY = "frg-test-alpha-key";

    /** Team alpha: an allow-list of models, which the models test checks. */
    @Override
    protected String key() { return KEY; }

    static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there");
    }

    @Test
    void chatIsRelayedWithTheUpstreamModelNameAndTheProviderKeyOnly() {
        ChatCompletion c = client.chat().completions().create(chat("gpt-test").putAdditionalBodyProperty("vendor_knob", JsonValue.from(7)).build());
        assertEquals("echo echo-upstream", c.choices().get(0).message().content().orElseThrow());
        FakeUpstream.Received got = upstream.last();
        assertEquals("/v1/chat/completions", got.path());
        assertEquals("echo-upstream", got.body().getString("model"));
        assertEquals(7, got.body().getInteger("vendor_knob"), "unknown fields pass through");
        assertEquals("Bearer test-provider-secret-123", got.headers().get("authorization"));
        assertEquals("extra-value", got.headers().get("x-extra"));
        assertFalse(got.headers().toString().contains(KEY), "the client key never goes upstream");
    }

    @Test
    void usageAndCachedTokensComeThroughUnchanged() {
        ChatCompletion c = client.chat().completions().create(chat("fixture").putAdditionalBodyProperty("fixture", JsonValue.from("chat-basic")).build());
        assertEquals("Hello from the fixture.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(12, c.usage().orElseThrow().promptTokens());
        assertEquals(4, c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
    }

    @Test
    void streamedChatAssemblesAndHidesTheUsageChunkTheClientDidNotAskFor() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                chat("fixture").putAdditionalBodyProperty("fixture", JsonValue.from("stream-basic")).build())) {
            s.stream().forEach(ch -> { chunks.add(ch); acc.accumulate(ch); });
        }
        assertEquals("Hello world.", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        assertTrue(chunks.stream().allMatch(ch -> ch.usage().isEmpty()), "no usage chunk was asked for");
        assertTrue(upstream.last().body().getJsonObject("stream_options").getBoolean("include_usage"),
                "the gateway always asks upstream for usage");
    }

    @Test
    void streamedChatForwardsUsageWhenAsked() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                chat("fixture").putAdditionalBodyProperty("fixture", JsonValue.from("stream-crlf"))
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertEquals(17, last.usage().orElseThrow().totalTokens());
    }

    @Test
    void streamedToolCallsSplitAcrossChunksAssembleIntoParallelCalls() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                withWeatherTool(chat("fixture")).putAdditionalBodyProperty("fixture", JsonValue.from("stream-tool-calls")).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertEquals(2, calls.size());
        assertEquals("call_paris", calls.get(0).asFunction().id());
        assertEquals("{\"city\": \"Paris\"}", calls.get(0).asFunction().function().arguments());
        assertEquals("{\"city\": \"Rome\"}", calls.get(1).asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
    }

    @Test
    void theSimulatorCallsToolsPlainAndStreamed() {
        ChatCompletion plain = client.chat().completions().create(withWeatherTool(chat("sim-chat")).build());
        ChatCompletionMessageToolCall call = plain.choices().get(0).message().toolCalls().orElseThrow().get(0);
        assertEquals("get_weather", call.asFunction().function().name());
        assertEquals("{\"city\":\"sample\"}", call.asFunction().function().arguments());

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(withWeatherTool(chat("sim-chat")).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletionMessageToolCall streamed = acc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow().get(0);
        assertEquals("{\"city\":\"sample\"}", streamed.asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, acc.chatCompletion().choices().get(0).finishReason());
    }

    @Test
    void legacyCompletionsWork() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("fixture").prompt("Hi")
                .putAdditionalBodyProperty("fixture", JsonValue.from("completions-basic")).build());
        assertEquals(" there, friend.", c.choices().get(0).text());
        StringBuilder text = new StringBuilder();
        try (StreamResponse<Completion> s = client.completions().createStreaming(CompletionCreateParams.builder().model("fixture")
                .prompt("Hi").putAdditionalBodyProperty("fixture", JsonValue.from("completions-stream")).build())) {
            s.stream().forEach(ch -> ch.choices().forEach(choice -> text.append(choice.text())));
        }
        assertEquals(" there, friend.", text.toString());
    }

    @Test
    void localEmbeddingsAnswerBase64ByDefaultAndFloatOnRequest() {
        CreateEmbeddingResponse byDefault = client.embeddings().create(EmbeddingCreateParams.builder().model("minilm")
                .input("The quick brown fox").build());
        CreateEmbeddingResponse floats = client.embeddings().create(EmbeddingCreateParams.builder().model("minilm")
                .input("The quick brown fox").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        List<Float> a = byDefault.data().get(0).embedding();
        List<Float> b = floats.data().get(0).embedding();
        assertEquals(384, a.size());
        for (int i = 0; i < a.size(); i++) assertEquals(a.get(i), b.get(i), 1e-6);
        assertTrue(byDefault.usage().promptTokens() > 0);
    }

    @Test
    void upstreamEmbeddingsInBatchKeepTheirOrder() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("gpt-test")
                .inputOfArrayOfStrings(List.of("one", "two")).build());
        assertEquals(2, r.data().size());
        assertEquals(List.of(0.25f, -0.5f, 1.0f), r.data().get(0).embedding());
        assertEquals(List.of(0.5f, -0.5f, 1.0f), r.data().get(1).embedding());
        assertEquals("float", upstream.last().body().getString("encoding_format"));
    }

    @Test
    void modelsListShowsOnlyTheTeamsModelsAndRetrieveHidesOthers() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertEquals(List.of("gpt-test", "fixture", "flaky", "ollama-dialect", "unreachable", "sim-chat", "minilm"), ids);
        Model m = client.models().retrieve("sim-chat");
        assertEquals("simulator", m.ownedBy());
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.models().retrieve("other-team-model"));
        assertEquals("model_not_found", e.code().orElseThrow());
    }

    @Test
    void errorsRaiseTheSdksExceptionClasses() {
        BadRequestException bad = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("gpt-test").temperature(5.0).build()));
        assertEquals("temperature", bad.param().orElseThrow());
        OpenAIClient wrong = client("frg-wrong-key-000");
        try {
            assertThrows(UnauthorizedException.class, () -> wrong.chat().completions().create(chat("gpt-test").build()));
        } finally {
            wrong.close();
        }
        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> client.chat().completions().create(chat("no-such-model").build()));
        assertEquals("model_not_found", missing.code().orElseThrow());
        assertNull(upstream.last(), "nothing reached the upstream");
    }

    static ChatCompletionCreateParams.Builder withWeatherTool(ChatCompletionCreateParams.Builder b) {
        return b.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build());
    }
}
