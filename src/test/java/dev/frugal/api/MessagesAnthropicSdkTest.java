package dev.frugal.api;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official Anthropic Java SDK as a client of {@code /v1/messages}: its own parsing and accumulation must accept our answers. */
@QuarkusTest
class MessagesAnthropicSdkTest {
    @TestHTTPResource("/")
    URL base;

    AnthropicClient client;

    @BeforeEach
    void setUp() { client = client(MessagesEndpointTest.KEY); }

    @AfterEach
    void tearDown() { client.close(); }

    AnthropicClient client(String key) {
        String url = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1) : base.toString();
        return AnthropicOkHttpClient.builder().baseUrl(url).apiKey(key).maxRetries(0).build();
    }

    static MessageCreateParams.Builder hello(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(100).addUserMessage("Hello there");
    }

    static Tool weather() {
        return Tool.builder().name("get_weather").description("Weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .addRequired("city").build())
                .build();
    }

    Message stream(MessageCreateParams params) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.message();
    }

    @Test
    void aPlainMessage() {
        Message m = client.messages().create(hello("msg-chat-basic").build());
        m.validate();
        assertEquals("Hello from the fixture.", m.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
        assertEquals(8, m.usage().inputTokens());
        assertEquals(4, m.usage().cacheReadInputTokens().orElseThrow());
        assertEquals(5, m.usage().outputTokens());
    }

    @Test
    void aStreamedMessageAccumulates() {
        Message m = stream(hello("msg-stream-basic").build());
        m.validate();
        assertEquals("Hello world.", m.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
        assertEquals(3, m.usage().outputTokens());
    }

    @Test
    void aToolRoundTripWithTheSimulator() {
        MessageCreateParams first = hello("sim-chat").addTool(weather()).toolChoice(ToolChoiceAny.builder().build()).build();
        Message m = client.messages().create(first);
        m.validate();
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        ToolUseBlock use = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertEquals("get_weather", use.name());
        assertEquals(JsonValue.from(Map.of("city", "sample")), use._input());

        Message answer = client.messages().create(hello("sim-chat").addTool(weather()).addMessage(m)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18 C, sunny").build())))
                .build());
        assertEquals(StopReason.END_TURN, answer.stopReason().orElseThrow());
        assertTrue(answer.content().get(0).asText().text().startsWith("This is a simulated answer"));
    }

    @Test
    void streamedParallelToolCallsAccumulate() {
        Message m = stream(hello("msg-stream-tools").addTool(weather()).build());
        m.validate();
        List<ToolUseBlock> uses = m.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).toList();
        assertEquals(2, uses.size());
        assertEquals(JsonValue.from(Map.of("city", "Paris")), uses.get(0)._input());
        assertEquals(JsonValue.from(Map.of("city", "Rome")), uses.get(1)._input());
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
    }

    @Test
    void reasoningAccumulatesIntoAThinkingBlock() {
        Message m = stream(hello("deepseek-reasoner").build());
        m.validate();
        assertEquals("Hmm, a greeting. Answer politely.", m.content().get(0).asThinking().thinking());
        assertEquals("Hello! How can I help you today?", m.content().get(1).asText().text());
    }

    @Test
    void errorsAreTheSdksExceptions() {
        AnthropicClient wrong = client("frg-wrong-key-000");
        try {
            UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> wrong.messages().create(hello("sim-chat").build()));
            assertTrue(e.requestId().isPresent());
        } finally {
            wrong.close();
        }
        assertThrows(NotFoundException.class, () -> client.messages().create(hello("no-such-model").build()));
        BadRequestException bad = assertThrows(BadRequestException.class,
                () -> client.messages().create(hello("sim-chat").putAdditionalBodyProperty("temperature", JsonValue.from(1.5)).build()));
        assertTrue(bad.getMessage().contains("temperature"), bad.getMessage());
        AnthropicServiceException limited = assertThrows(RateLimitException.class, () -> client.messages().create(hello("msg-error-429-sdk").build()));
        assertEquals(429, limited.statusCode());
    }

    @Test
    void countTokensIsExactForAModelWithAKnownTokenizerAndEstimatedOtherwise() {
        // gpt-4o-mini (o200k), OpenAI's accounting: "user" 1 + "Hello there" 2, + 3 for the message, + 3 priming the reply
        assertEquals(9, client.messages().countTokens(MessageCountTokensParams.builder().model("gpt-4o-mini-test")
                .addUserMessage("Hello there").build()).inputTokens());
        long estimated = client.messages().countTokens(MessageCountTokensParams.builder().model("msg-chat-basic")
                .system("Be brief.").addUserMessage("Hello there").addTool(weather()).build()).inputTokens();
        assertTrue(estimated > 9, "system, message and tool all count: " + estimated);
        AnthropicClient wrong = client("frg-wrong-key-000");
        try {
            assertThrows(UnauthorizedException.class, () -> wrong.messages().countTokens(MessageCountTokensParams.builder()
                    .model("msg-chat-basic").addUserMessage("hi").build()));
        } finally {
            wrong.close();
        }
    }

    @Test
    void aServerSideThreadIsRefusedNamingTheField() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.messages().create(hello("sim-chat").putAdditionalBodyProperty("thread", JsonValue.from("thr_1")).build()));
        assertTrue(e.getMessage().contains("thread"), e.getMessage());
    }
}
