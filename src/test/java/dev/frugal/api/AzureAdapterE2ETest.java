package dev.frugal.api;

import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.SdkGatewayTest;
import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK against the gateway, served by the Azure adapter over the fake Azure upstream. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AzureAdapterE2ETest extends SdkGatewayTest {
    static final String KEY = E2E_KEY;


    static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "azure-chat, /openai/deployments/chat-basic/chat/completions, 2024-10-21",
            "azure-chat-v1, /openai/v1/chat/completions, "})
    void plainChatInBothApiStylesWithTheApiKeyHeader(String model, String path, String apiVersion) {
        ChatCompletion c = client.chat().completions().create(chat(model).build());
        assertEquals("Hello from Azure.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(12, c.usage().orElseThrow().promptTokens());
        assertEquals(17, c.usage().orElseThrow().totalTokens());

        FakeUpstream.Received got = upstream.last();
        assertEquals(path, got.path());
        assertEquals(apiVersion, got.query().get("api-version"));
        assertEquals("chat-basic", got.body().getString("model"), "the deployment name");
        assertEquals("azure-test-key-0123456789", got.headers().get("api-key"));
        assertNull(got.headers().get("authorization"), "Azure's key travels in api-key, not Authorization");
    }

    @ParameterizedTest
    @CsvSource({"azure-stream", "azure-stream-v1"})
    void streamDropsAzuresFilterChunksAndHidesUsageNotAskedFor(String model) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat(model).build())) {
            s.stream().forEach(ch -> { chunks.add(ch); acc.accumulate(ch); });
        }
        assertEquals("Hello from Azure.", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, acc.chatCompletion().choices().get(0).finishReason());
        assertEquals(5, chunks.size(), "role, three deltas, finish: no prompt-filter, annotation or usage chunk");
        for (ChatCompletionChunk ch : chunks) {
            assertEquals("chatcmpl-AzB2Stream", ch.id());
            assertFalse(ch.choices().isEmpty());
            assertTrue(ch.usage().isEmpty());
        }
        assertTrue(upstream.last().body().getJsonObject("stream_options").getBoolean("include_usage"),
                "usage is always asked for, for metering");
    }

    @Test
    void streamForwardsUsageWhenAsked() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("azure-stream")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertEquals(12, last.usage().orElseThrow().promptTokens());
        assertEquals(16, last.usage().orElseThrow().totalTokens());
        assertEquals(6, chunks.size());
    }

    @Test
    void streamedToolCallArgumentsSplitAcrossChunksAssemble() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                OpenAiSdkTest.withWeatherTool(chat("azure-tools")).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertEquals(1, calls.size());
        assertEquals("call_azParis", calls.get(0).asFunction().id());
        assertEquals("get_weather", calls.get(0).asFunction().function().name());
        assertEquals("{\"city\": \"Paris\"}", calls.get(0).asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
        assertEquals("get_weather", upstream.last().body().getJsonArray("tools").getJsonObject(0)
                .getJsonObject("function").getString("name"), "tools pass through unchanged");
    }

    @Test
    void filteredOutputEndsWithFinishReasonContentFilter() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("azure-filtered-output").build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertEquals("Here is how", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.CONTENT_FILTER, acc.chatCompletion().choices().get(0).finishReason());
    }

    @Test
    void filteredPromptIsABadRequestOnThePrompt() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("azure-filtered-prompt").build()));
        assertEquals("prompt", e.param().orElseThrow());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        assertTrue(e.getMessage().contains("filtered the content"), e.getMessage());
        assertTrue(e.getMessage().contains("violence"), e.getMessage());
    }

    @Test
    void throttlingWithoutRetryAfterHeaderTakesTheWaitFromAzuresMessage() {
        RateLimitException e = assertThrows(RateLimitException.class,
                () -> client.chat().completions().create(chat("azure-throttled").build()));
        assertEquals(List.of("6"), e.headers().values("retry-after"));
        assertFalse(e.getMessage().contains("azure-test-key"), "the provider key never reaches the client");
    }

    @Test
    void embeddingsComeBackInOrderAsFloatsOrBase64() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("azure-embed")
                .inputOfArrayOfStrings(List.of("one", "two")).build());
        assertEquals(2, r.data().size());
        assertEquals(0.0023064255f, r.data().get(0).embedding().get(0), 1e-9);
        assertEquals(-0.0053373f, r.data().get(1).embedding().get(0), 1e-9);
        assertEquals(9, r.usage().promptTokens());
        FakeUpstream.Received got = upstream.last();
        assertEquals("/openai/deployments/embeddings-batch/embeddings", got.path());
        assertEquals("float", got.body().getString("encoding_format"), "floats upstream; the edge encodes base64");
    }
}
