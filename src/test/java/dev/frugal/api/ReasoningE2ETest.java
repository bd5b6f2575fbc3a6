package dev.frugal.api;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.frugal.testsupport.SdkGatewayTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reasoning models behind the OpenAI-compatible adapter, seen by the official OpenAI SDK:
 * {@code <think>} tags split, stripped or passed per deployment, DeepSeek's
 * {@code reasoning_content} passed through, reasoning tokens counted.
 */
@QuarkusTest
class ReasoningE2ETest extends SdkGatewayTest {
    static final String KEY = E2E_KEY;


    /** The streamed answer as a client sees it: content, reasoning_content, the last usage chunk. */
    record Streamed(String content, String reasoning, ChatCompletion assembled, List<ChatCompletionChunk> chunks) {}

    Streamed stream(String model) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        StringBuilder reasoning = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("What is 2+2?")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(ch -> {
                chunks.add(ch);
                acc.accumulate(ch);
                for (ChatCompletionChunk.Choice c : ch.choices()) {
                    JsonValue r = c.delta()._additionalProperties().get("reasoning_content");
                    if (r != null && r.asString().isPresent()) reasoning.append(r.asString().get());
                }
            });
        }
        ChatCompletion done = acc.chatCompletion();
        return new Streamed(done.choices().get(0).message().content().orElse(""), reasoning.toString(), done, chunks);
    }

    @Test
    void thinkTagsAreSplitIntoReasoningContentByDefault() {
        Streamed s = stream("think-split");
        assertEquals("2 + 2 = 4.", s.content());
        assertEquals("\nThe user asks for 2+2. That is 4.\n", s.reasoning());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, s.assembled().choices().get(0).finishReason());
        assertEquals(21, s.assembled().usage().orElseThrow().completionTokens());
    }

    @Test
    void thinkTagsAreStrippedOrPassedAsTheDeploymentSays() {
        Streamed stripped = stream("think-strip");
        assertEquals("2 + 2 = 4.", stripped.content());
        assertEquals("", stripped.reasoning());
        Streamed passed = stream("think-pass");
        assertEquals("<think>\nThe user asks for 2+2. That is 4.\n</think>\n\n2 + 2 = 4.", passed.content());
        assertEquals("", passed.reasoning());
    }

    @Test
    void aPrefilledTemplateIsSplitAtTheClosingTag() {
        Streamed s = stream("think-prefilled");
        assertEquals("Hello! How can I help?", s.content());
        assertEquals("Okay, the user greets me.\n", s.reasoning());
    }

    @Test
    void deepSeekReasoningContentAndReasoningTokensReachTheClient() {
        Streamed s = stream("deepseek-reasoner");
        assertEquals("Hello! How can I help you today?", s.content());
        assertEquals("Hmm, a greeting. Answer politely.", s.reasoning());
        assertEquals(41, s.assembled().usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow());
    }

    @Test
    void wholeAnswersAreSplitToo() {
        ChatCompletion c = client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("think-split-chat").addUserMessage("Capital of France?").build());
        assertEquals("The capital of France is Paris.", c.choices().get(0).message().content().orElseThrow());
        Map<String, JsonValue> extra = c.choices().get(0).message()._additionalProperties();
        assertEquals("\nThe user asks for the capital of France. It is Paris.\n", extra.get("reasoning_content").asString().orElseThrow());
        assertFalse(c.usage().orElseThrow().completionTokensDetails().isPresent(), "not reported upstream: not estimated");
    }

    @Test
    void wholeDeepSeekAnswersKeepReasoningContentAndReasoningTokens() {
        ChatCompletion c = client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("deepseek-reasoner-chat").addUserMessage("Capital of France?").build());
        assertEquals("The capital of France is Paris.", c.choices().get(0).message().content().orElseThrow());
        assertEquals("The user asks a geography question. Paris.",
                c.choices().get(0).message()._additionalProperties().get("reasoning_content").asString().orElseThrow());
        assertEquals(31, c.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow());
        assertTrue(upstream.last().path().endsWith("/chat/completions"));
    }
}
