package dev.frugal.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.Embeddings;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class OllamaResponseMapperTest {

    private static ObjectNode map(String caseName) throws IOException {
        return OllamaResponseMapper.toOpenAi(Json.parse(Fixtures.bytes(caseName, "response.json")), "box", "chatcmpl-x", 1_764_000_000L,
                OllamaStreamMapperTest.ids(), OllamaStreamMapperTest.SPLIT);
    }

    @Test
    void plainAnswerIsAChatCompletion() throws IOException {
        ObjectNode c = map("chat-basic");
        assertEquals("chatcmpl-x", c.get("id").asText());
        assertEquals("chat.completion", c.get("object").asText());
        assertEquals(1_764_000_000L, c.get("created").asLong());
        assertEquals("llama3.2:latest", c.get("model").asText());
        JsonNode choice = c.at("/choices/0");
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.at("/message/role").asText());
        assertEquals("Hello from Ollama.", choice.at("/message/content").asText());
        assertTrue(choice.at("/message/refusal").isNull());
        assertFalse(choice.get("message").has("tool_calls"));
        assertEquals("stop", choice.get("finish_reason").asText());
        assertEquals(26, c.at("/usage/prompt_tokens").asInt());
        assertEquals(6, c.at("/usage/completion_tokens").asInt());
        assertEquals(32, c.at("/usage/total_tokens").asInt());
    }

    @Test
    void toolCallsGetStringArgumentsIdsAndFinishReasonToolCalls() throws IOException {
        ObjectNode c = map("chat-parallel-tools");
        JsonNode message = c.at("/choices/0/message");
        assertTrue(message.get("content").isNull(), "no text beside the calls");
        assertEquals(2, message.get("tool_calls").size());
        assertEquals("call_k3v9x2ab", message.at("/tool_calls/0/id").asText());
        assertEquals("call_gen1", message.at("/tool_calls/1/id").asText());
        assertEquals("{\"city\":\"Rome\",\"unit\":\"celsius\"}", message.at("/tool_calls/1/function/arguments").asText());
        assertEquals("function", message.at("/tool_calls/1/type").asText());
        assertEquals("tool_calls", c.at("/choices/0/finish_reason").asText());
    }

    @Test
    void thinkingIsReasoningContent() throws IOException {
        ObjectNode c = OllamaResponseMapper.toOpenAi(Json.parse("{\"model\":\"qwen3:8b\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hi\",\"thinking\":\"Greet back.\"},\"done\":true,\"done_reason\":\"stop\"}"), "box", "c", 1,
                OllamaStreamMapperTest.ids(), OllamaStreamMapperTest.SPLIT);
        assertEquals("Greet back.", c.at("/choices/0/message/reasoning_content").asText());
        assertEquals("Hi", c.at("/choices/0/message/content").asText());
        assertEquals(0, c.at("/usage/total_tokens").asInt(), "absent counts are zero");
    }

    @ParameterizedTest(name = "{0}, calls={1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "stop, false, stop", "stop, true, tool_calls", "length, false, length", "length, true, length",
            "load, false, stop", "null, false, stop", "something_new, true, tool_calls"})
    void doneReasonMapsOntoOpenAis(String doneReason, boolean calls, String expected) {
        assertEquals(expected, OllamaResponseMapper.finishReason(doneReason, calls));
    }

    @Test
    void answerWithoutMessageIsAProtocolFailure() throws IOException {
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> OllamaResponseMapper.toOpenAi(Json.parse("{\"done\":true}"),
                "box", "c", 1, OllamaStreamMapperTest.ids(), OllamaStreamMapperTest.SPLIT));
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.kind());
    }

    @Test
    void embeddingsKeepOrderAndCountPromptTokens() throws IOException {
        Embeddings e = OllamaResponseMapper.embeddings(Json.parse(Fixtures.bytes("embeddings-batch", "response.json")), 2, "box");
        assertEquals(2, e.vectors().size());
        assertEquals(0.010071029f, e.vectors().get(0)[0]);
        assertEquals(0.060341271f, e.vectors().get(1)[1]);
        assertEquals(new Usage(8, 0, 0, 0), e.usage());
    }

    @Test
    void embeddingsOfTheWrongCountAreAProtocolFailure() throws IOException {
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () ->
                OllamaResponseMapper.embeddings(Json.parse(Fixtures.bytes("embeddings-batch", "response.json")), 3, "box"));
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.kind());
        assertEquals("Upstream provider 'box' answered 2 embeddings for 3 inputs.", f.getMessage());
    }
}
