package dev.frugal.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The body sent to {@code /api/chat} for a client's OpenAI request, compared structurally. */
@Tag("unit")
class OllamaRequestMapperTest {

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode map(String client, boolean stream) {
        return OllamaRequestMapper.toOllama(json(client), "llama3.2:latest", stream);
    }

    @Test
    void aFullConversationIsTranslated() {
        String client = """
                {"model":"local-llama","stream":true,"stream_options":{"include_usage":true},"user":"u-1","metadata":{"a":"b"},
                 "messages":[
                   {"role":"developer","content":"Be brief."},
                   {"role":"system","content":[{"type":"text","text":"Use tools."},{"type":"text","text":"Answer in English."}]},
                   {"role":"user","name":"ann","content":[{"type":"text","text":"What is here?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
                   {"role":"assistant","content":null,"reasoning_content":"Need the weather.","tool_calls":[
                     {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                     {"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
                   {"role":"tool","tool_call_id":"call_2","content":"12:00"},
                   {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"sunny"}]}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"},"strict":true}}],
                 "tool_choice":"auto","parallel_tool_calls":true,
                 "max_completion_tokens":64,"max_tokens":999,"temperature":0.2,"top_p":0.9,"seed":7,"stop":"END",
                 "presence_penalty":0.1,"frequency_penalty":0.3,"logit_bias":{"50256":-100},
                 "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object","properties":{"t":{"type":"number"}}}}},
                 "reasoning_effort":"xhigh","keep_alive":"10m"}
                """;
        String expected = """
                {"model":"llama3.2:latest","stream":true,
                 "messages":[
                   {"role":"system","content":"Be brief."},
                   {"role":"system","content":"Use tools.\\nAnswer in English."},
                   {"role":"user","content":"What is here?","images":["iVBORw0KGgo="]},
                   {"role":"assistant","content":"","thinking":"Need the weather.","tool_calls":[
                     {"id":"call_1","function":{"index":0,"name":"get_weather","arguments":{"city":"Paris"}}},
                     {"id":"call_2","function":{"index":1,"name":"get_time","arguments":{}}}]},
                   {"role":"tool","content":"12:00","tool_call_id":"call_2","tool_name":"get_time"},
                   {"role":"tool","content":"sunny","tool_call_id":"call_1","tool_name":"get_weather"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"},"strict":true}}],
                 "options":{"num_predict":64,"temperature":0.2,"top_p":0.9,"seed":7,"presence_penalty":0.1,"frequency_penalty":0.3,"stop":["END"]},
                 "format":{"type":"object","properties":{"t":{"type":"number"}}},
                 "think":"max","keep_alive":"10m"}
                """;
        assertEquals(json(expected), map(client, true));
    }

    @Test
    void streamIsAlwaysWrittenBecauseOllamaStreamsWhenItIsAbsent() {
        ObjectNode out = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", false);
        assertEquals(json("{\"model\":\"llama3.2:latest\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":false}"), out);
    }

    @Test
    void theClientsBodyIsNotChanged() {
        ObjectNode client = json("{\"model\":\"m\",\"messages\":[{\"role\":\"developer\",\"content\":\"x\"}],\"stop\":\"s\"}");
        ObjectNode before = client.deepCopy();
        OllamaRequestMapper.toOllama(client, "u", true);
        assertEquals(before, client);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
            "none, false", "minimal, low", "low, low", "medium, medium", "high, high", "xhigh, max", "max, max"})
    void reasoningEffortBecomesThink(String effort, String think) {
        JsonNode t = map("{\"messages\":[],\"reasoning_effort\":\"" + effort + "\"}", false).get("think");
        assertEquals(think, t.asText());
        assertEquals(think.equals("false"), t.isBoolean());
    }

    @Test
    void withoutReasoningEffortAClientsOwnThinkPassesAndOtherwiseNoneIsSent() {
        assertTrue(map("{\"messages\":[],\"think\":true}", false).get("think").asBoolean());
        assertFalse(map("{\"messages\":[]}", false).has("think"));
    }

    @Test
    void jsonObjectIsFormatJsonAndTextIsNothing() {
        assertEquals("json", map("{\"messages\":[],\"response_format\":{\"type\":\"json_object\"}}", false).get("format").asText());
        assertFalse(map("{\"messages\":[],\"response_format\":{\"type\":\"text\"}}", false).has("format"));
    }

    @Test
    void legacyMaxTokensIsNumPredictAndStopArraysPass() {
        ObjectNode o = map("{\"messages\":[],\"max_tokens\":5,\"stop\":[\"a\",\"b\"]}", false);
        assertEquals(5, o.at("/options/num_predict").asInt());
        assertEquals(2, o.at("/options/stop").size());
    }

    @Test
    void ollamaNativeOptionsFromTheClientWin() {
        ObjectNode o = map("{\"messages\":[],\"temperature\":0.5,\"options\":{\"num_ctx\":8192,\"temperature\":0.1}}", false);
        assertEquals(json("{\"temperature\":0.1,\"num_ctx\":8192}"), o.get("options"));
    }

    @Test
    void toolChoiceNoneSendsNoTools() {
        ObjectNode o = map("{\"messages\":[],\"tool_choice\":\"none\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}", false);
        assertFalse(o.has("tools"));
    }

    @Test
    void aFunctionMessageIsAToolResultNamedByItsName() {
        ObjectNode o = map("{\"messages\":[{\"role\":\"function\",\"name\":\"f\",\"content\":\"42\"}]}", false);
        assertEquals(json("{\"role\":\"tool\",\"content\":\"42\",\"tool_name\":\"f\"}"), o.at("/messages/0"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"messages\":[],\"n\":2} | n | n > 1 is not supported by ollama",
            "{\"messages\":[],\"logprobs\":true,\"top_logprobs\":2} | logprobs | logprobs is not supported by ollama",
            "{\"messages\":[],\"tool_choice\":\"required\"} | tool_choice | forcing a tool with 'tool_choice' (only 'auto' and 'none') is not supported by ollama",
            "{\"messages\":[],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}} | tool_choice | forcing a tool with 'tool_choice' (only 'auto' and 'none') is not supported by ollama",
            "{\"messages\":[],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\"}}]} | tools[0].type | 'custom' tools is not supported by ollama",
            "{\"messages\":[],\"functions\":[{\"name\":\"f\"}]} | functions | the deprecated 'functions' (send 'tools') is not supported by ollama",
            "{\"messages\":[],\"reasoning_effort\":\"extreme\"} | reasoning_effort | reasoning_effort 'extreme' is not supported by ollama",
            "{\"messages\":[],\"response_format\":{\"type\":\"grammar\"}} | response_format.type | response_format 'grammar' is not supported by ollama",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"x\",\"format\":\"wav\"}}]}]} | messages[0].content[0].type | 'input_audio' content parts is not supported by ollama",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":\"f\"}}]}]} | messages[0].content[0].type | 'file' content parts is not supported by ollama",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x.test/cat.png\"}}]}]} | messages[0].content[0].image_url.url | image URLs (send the image inline as a base64 data: URL) is not supported by ollama"})
    void whatOllamaCannotDoIsAClearBadRequest(String client, String param, String message) {
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> map(client, false));
        assertEquals(Kind.INVALID_REQUEST, f.kind());
        assertFalse(f.retryable());
        assertEquals(param, f.param());
        assertEquals(message, f.getMessage());
        assertEquals(400, f.toClientError().status());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"not json", "[1,2]", "\"a string\""})
    void toolArgumentsThatAreNotAJsonObjectAreABadRequestNamingTheField(String args) {
        String client = "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":" + Json.nodes().textNode(args) + "}}]}]}";
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> map(client, false));
        assertEquals("messages[0].tool_calls[0].function.arguments", f.param());
    }

    @Test
    void anImageThatIsNotADataUrlIsABadRequest() {
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> map("{\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png,rawbytes\"}}]}]}", false));
        assertEquals("messages[0].content[0].image_url.url", f.param());
    }

    // ---- embeddings ----------------------------------------------------------------------

    private static final ModelConfig.Deployment EMBED = new ModelConfig.Deployment("box", "nomic-embed-text:latest", 1);

    @Test
    void embeddingsSendTheTextsAsAnArray() {
        ObjectNode client = json("{\"model\":\"e\",\"input\":\"one\",\"dimensions\":256,\"encoding_format\":\"base64\",\"keep_alive\":0}");
        ObjectNode out = OllamaRequestMapper.embedToOllama(new EmbeddingCall("r", EMBED, List.of("one"), client, 256));
        assertEquals(json("{\"model\":\"nomic-embed-text:latest\",\"input\":[\"one\"],\"dimensions\":256,\"keep_alive\":0}"), out);
    }

    @Test
    void tokenArraysAreNotSupported() {
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> OllamaRequestMapper.embedToOllama(
                new EmbeddingCall("r", EMBED, null, json("{\"input\":[[1,2]]}"), null)));
        assertEquals("input", f.param());
        assertEquals("token-array inputs is not supported by ollama", f.getMessage());
    }
}
