package dev.frugal.api;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.SdkGatewayTest;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK against the gateway, served by the Ollama native adapter over the fake Ollama upstream. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class OllamaAdapterE2ETest extends SdkGatewayTest {
    static final String KEY = E2E_KEY;


    static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there");
    }

    /** The body the fake Ollama received on {@code /api/chat}. */
    JsonObject sentToOllama() {
        FakeUpstream.Received got = upstream.last();
        assertEquals("/api/chat", got.path());
        return got.body();
    }

    List<ChatCompletionChunk> streamAll(ChatCompletionCreateParams params) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(chunks::add);
        }
        return chunks;
    }

    static ChatCompletion accumulate(List<ChatCompletionChunk> chunks) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        chunks.forEach(acc::accumulate);
        return acc.chatCompletion();
    }

    // ---- chat ----------------------------------------------------------------------------

    @Test
    void plainChatIsTranslatedBothWays() {
        ChatCompletion c = client.chat().completions().create(chat("ollama-chat").addSystemMessage("Be brief.")
                .maxCompletionTokens(64).temperature(0.2).stop("END").build());
        assertEquals("Hello from Ollama.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(26, c.usage().orElseThrow().promptTokens());
        assertEquals(6, c.usage().orElseThrow().completionTokens());
        assertEquals(32, c.usage().orElseThrow().totalTokens());
        assertTrue(c.id().startsWith("chatcmpl-"));

        JsonObject sent = sentToOllama();
        assertEquals("chat-basic", sent.getString("model"));
        assertFalse(sent.getBoolean("stream"), "stream is always written: Ollama streams when it is absent");
        assertEquals(64, sent.getJsonObject("options").getInteger("num_predict"));
        assertEquals(0.2, sent.getJsonObject("options").getDouble("temperature"), 1e-9);
        assertEquals(List.of("END"), sent.getJsonObject("options").getJsonArray("stop").getList());
        assertEquals("system", sent.getJsonArray("messages").getJsonObject(1).getString("role"));
        assertNull(upstream.last().headers().get("authorization"), "no key configured, none sent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama-stream", "ollama-crlf"})
    void streamStartsWithTheRoleAndHidesUsageNotAskedFor(String model) {
        List<ChatCompletionChunk> chunks = streamAll(chat(model).build());
        assertEquals("assistant", chunks.get(0).choices().get(0).delta().role().orElseThrow().asString());
        ChatCompletion c = accumulate(chunks);
        assertEquals("Hello from Ollama.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertTrue(chunks.stream().allMatch(ch -> ch.usage().isEmpty() && !ch.choices().isEmpty()));
        assertEquals(1, chunks.stream().map(ChatCompletionChunk::id).distinct().count(), "one id for the whole stream");
        assertTrue(sentToOllama().getBoolean("stream"));
    }

    @Test
    void streamEndsWithTheUsageChunkWhenAsked() {
        List<ChatCompletionChunk> chunks = streamAll(chat("ollama-stream")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertEquals(26, last.usage().orElseThrow().promptTokens());
        assertEquals(4, last.usage().orElseThrow().completionTokens());
        assertFalse(sentToOllama().containsKey("stream_options"), "an OpenAI-only field");
    }

    @Test
    void lengthIsTheFinishReasonWhenTheTokenLimitCut() {
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH,
                accumulate(streamAll(chat("ollama-length").maxCompletionTokens(3).build())).choices().get(0).finishReason());
    }

    @Test
    void thinkingArrivesAsReasoningContent() {
        ChatCompletionCreateParams params = chat("ollama-think").reasoningEffort(com.openai.models.ReasoningEffort.HIGH).build();
        List<ChatCompletionChunk> chunks = streamAll(params);
        String reasoning = chunks.stream().flatMap(ch -> ch.choices().stream())
                .map(ch -> ch.delta()._additionalProperties().get("reasoning_content"))
                .filter(v -> v != null).map(v -> v.convert(String.class)).collect(Collectors.joining());
        assertEquals("The user greets me. Answer briefly.", reasoning);
        assertEquals("Hi there!", accumulate(chunks).choices().get(0).message().content().orElseThrow());
        assertEquals("high", sentToOllama().getString("think"));
    }

    // ---- tools ---------------------------------------------------------------------------

    @Test
    void toolCallsComeBackWithStringArgumentsIdsAndFinishReasonToolCalls() {
        ChatCompletion c = client.chat().completions().create(OpenAiSdkTest.withWeatherTool(chat("ollama-tools")).build());
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertEquals(2, calls.size());
        assertEquals("call_k3v9x2ab", calls.get(0).asFunction().id());
        assertTrue(calls.get(1).asFunction().id().startsWith("call_"), "generated when Ollama sends none");
        assertEquals("{\"city\":\"Rome\",\"unit\":\"celsius\"}", calls.get(1).asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
        assertEquals("get_weather", sentToOllama().getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"));
    }

    @Test
    void streamedParallelToolCallsAssemble() {
        ChatCompletion c = accumulate(streamAll(OpenAiSdkTest.withWeatherTool(chat("ollama-tools-stream")).build()));
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertEquals(2, calls.size());
        assertEquals("call_p4r1s", calls.get(0).asFunction().id());
        assertEquals("{\"city\":\"Paris\"}", calls.get(0).asFunction().function().arguments());
        assertEquals("{\"city\":\"Rome\"}", calls.get(1).asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
    }

    @Test
    void anEarlierToolCallAndItsResultGoUpstreamInOllamasShape() {
        ChatCompletionMessageToolCall call = client.chat().completions().create(
                OpenAiSdkTest.withWeatherTool(chat("ollama-tools")).build()).choices().get(0).message().toolCalls().orElseThrow().get(0);
        client.chat().completions().create(OpenAiSdkTest.withWeatherTool(chat("ollama-chat"))
                .addMessage(com.openai.models.chat.completions.ChatCompletionAssistantMessageParam.builder().addToolCall(call).build())
                .addMessage(com.openai.models.chat.completions.ChatCompletionToolMessageParam.builder()
                        .toolCallId(call.asFunction().id()).content("sunny").build())
                .build());
        JsonObject assistant = sentToOllama().getJsonArray("messages").getJsonObject(1);
        assertEquals(Map.of("city", "Paris"), assistant.getJsonArray("tool_calls").getJsonObject(0)
                .getJsonObject("function").getJsonObject("arguments").getMap(), "arguments as an object");
        JsonObject tool = sentToOllama().getJsonArray("messages").getJsonObject(2);
        assertEquals("tool", tool.getString("role"));
        assertEquals("get_weather", tool.getString("tool_name"));
        assertEquals("sunny", tool.getString("content"));
    }

    // ---- failures ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ollama-cut", "ollama-error-mid-stream"})
    void aStreamThatFailsAfterItsFirstChunkReportsTheErrorInBand(String model) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        SseException e = assertThrows(SseException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat(model).build())) {
                s.stream().forEach(chunks::add);
            }
        });
        assertFalse(chunks.isEmpty(), "what came before the failure was relayed");
        assertTrue(chunks.stream().noneMatch(ch -> ch.choices().get(0).finishReason().isPresent()), "never a finish after an error");
        String body = e.body().toString();
        assertTrue(body.contains(model.equals("ollama-cut") ? "cut off in the middle of a line" : "unexpected EOF"), body);
    }

    @Test
    void anUnknownModelOnTheBoxIsAnUpstreamNotFound() {
        InternalServerException e = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(chat("ollama-missing").build()));
        assertEquals(502, e.statusCode());
        assertEquals("upstream_not_found", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("model 'llama9' not found"), e.getMessage());
    }

    @Test
    void aBusyBoxIsOverloaded() {
        OpenAIServiceException e = assertThrows(OpenAIServiceException.class,
                () -> client.chat().completions().create(chat("ollama-busy").build()));
        assertEquals(503, e.statusCode());
        assertEquals("upstream_overloaded", e.code().orElseThrow());
    }

    @Test
    void whatOllamaCannotDoIsA400AndNeverReachesTheBox() {
        BadRequestException n = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("ollama-chat").n(2).build()));
        assertEquals("n", n.param().orElseThrow());
        assertTrue(n.getMessage().contains("n > 1 is not supported by ollama"), n.getMessage());

        BadRequestException image = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("ollama-chat").addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                                ChatCompletionContentPartImage.ImageUrl.builder().url("https://example.test/cat.png").build()).build())))
                        .build()));
        assertEquals("messages[0].content[1].image_url.url", image.param().orElseThrow());
        assertNull(upstream.last(), "nothing reached the upstream");
    }

    @Test
    void inlineImagesGoUpstreamAsBase64() {
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("ollama-chat")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                                ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,iVBORw0KGgo=").build()).build())))
                .build());
        JsonObject user = sentToOllama().getJsonArray("messages").getJsonObject(0);
        assertEquals("What is this?", user.getString("content"));
        assertEquals(List.of("iVBORw0KGgo="), user.getJsonArray("images").getList());
    }

    // ---- embeddings ----------------------------------------------------------------------

    @Test
    void embeddingsInBatchKeepTheirOrder() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("ollama-embed")
                .inputOfArrayOfStrings(List.of("one", "two")).build());
        assertEquals(2, r.data().size());
        assertEquals(0.010071029f, r.data().get(0).embedding().get(0), 1e-9);
        assertEquals(0.060341271f, r.data().get(1).embedding().get(1), 1e-9);
        assertEquals(8, r.usage().promptTokens());
        FakeUpstream.Received got = upstream.last();
        assertEquals("/api/embed", got.path());
        assertEquals(List.of("one", "two"), got.body().getJsonArray("input").getList());
    }

    @Test
    void tokenArrayEmbeddingsAreNotSupported() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> client.embeddings().create(
                EmbeddingCreateParams.builder().model("ollama-embed").inputOfArrayOfTokens(List.of(1L, 2L, 3L)).build()));
        assertEquals("input", e.param().orElseThrow());
    }

    // ---- discovery -----------------------------------------------------------------------

    @Test
    void theBoxsModelsAreListedAndCallableWithoutBeingConfigured() throws InterruptedException {
        Map<String, Model> models = awaitModels("llama3.2:latest", "qwen3:8b");
        assertEquals("gpu-box", models.get("llama3.2:latest").ownedBy());
        assertEquals(1_790_843_400L, models.get("llama3.2:latest").created());
        assertEquals("frugal", models.get("ollama-chat").ownedBy(), "the configured model of the same name wins");
        assertTrue(upstream.tagRequests() > 0);

        ChatCompletion c = client.chat().completions().create(chat("llama3.2:latest").build());
        assertEquals("echo llama3.2:latest", c.choices().get(0).message().content().orElseThrow());
        assertEquals("llama3.2:latest", sentToOllama().getString("model"));
        assertEquals("echo qwen3:8b", accumulate(streamAll(chat("qwen3:8b").build())).choices().get(0).message().content().orElseThrow());
    }

    /** Discovery runs on its own timer from the start; waits (bounded) until it has published. */
    private Map<String, Model> awaitModels(String... names) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Map<String, Model> byId = client.models().list().data().stream().collect(Collectors.toMap(Model::id, m -> m));
            if (byId.keySet().containsAll(List.of(names)) || System.nanoTime() > until) return byId;
            Thread.sleep(100);
        }
    }

    @Test
    void chatUsageOfADiscoveredModelIsCounted() throws InterruptedException {
        awaitModels("qwen3:8b");
        ChatCompletion c = client.chat().completions().create(chat("qwen3:8b")
                .putAdditionalBodyProperty("keep_alive", JsonValue.from("10m")).build());
        assertEquals(7, c.usage().orElseThrow().totalTokens());
        assertEquals("10m", sentToOllama().getString("keep_alive"), "Ollama's keep_alive passes through");
    }
}
