package dev.frugal.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.UpstreamFailure;
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

/** Request translation beyond the fixture cases: the choices where OpenAI and Anthropic differ. */
@Tag("unit")
class AnthropicRequestMapperTest {
    static final ProviderConfig CONFIG = AnthropicFixturesTest.CONFIG;
    static final ModelConfig.Deployment DEPLOYMENT = AnthropicFixturesTest.DEPLOYMENT;

    static ObjectNode map(String openAi) throws IOException {
        return AnthropicRequestMapper.toAnthropic((ObjectNode) Json.parse(openAi), DEPLOYMENT, CONFIG);
    }

    static UpstreamFailure rejected(String openAi) throws IOException {
        ObjectNode req = (ObjectNode) Json.parse(openAi);
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> AnthropicRequestMapper.toAnthropic(req, DEPLOYMENT, CONFIG));
        assertEquals(UpstreamFailure.Kind.INVALID_REQUEST, f.kind());
        assertEquals(400, f.upstreamStatus());
        assertFalse(f.retryable());
        return f;
    }

    static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
    static final String TOOL = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}},{\"type\":\"function\",\"function\":{\"name\":\"g\"}}]";

    @Test
    void theClientsRequestIsNeverChanged() throws IOException {
        ObjectNode req = (ObjectNode) Json.parse("{\"model\":\"m\"," + HI + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"x\",\"schema\":{\"properties\":{\"a\":{\"type\":\"string\"}}}}}}");
        JsonNode before = req.deepCopy();
        ObjectNode out = AnthropicRequestMapper.toAnthropic(req, DEPLOYMENT, CONFIG);
        assertEquals(before, req, "a fallback attempt reuses the original");
        assertEquals("object", out.at("/tools/0/input_schema/type").asText(), "a schema without a type is an object schema");
    }

    @ParameterizedTest(name = "tool_choice {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "'\"none\"'                                            | {\"type\":\"none\"}",
            "'\"auto\"'                                            | {\"type\":\"auto\"}",
            "'\"required\"'                                        | {\"type\":\"any\"}",
            "'{\"type\":\"function\",\"function\":{\"name\":\"g\"}}' | {\"type\":\"tool\",\"name\":\"g\"}"})
    void toolChoiceMapsOntoAnthropicsModes(String choice, String expected) throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + "," + TOOL + ",\"tool_choice\":" + choice + "}");
        assertEquals(Json.parse(expected), out.get("tool_choice"));
    }

    @Test
    void noToolChoiceLeavesAnthropicsDefaultUnlessParallelCallsAreOff() throws IOException {
        assertFalse(map("{\"model\":\"m\"," + HI + "," + TOOL + "}").has("tool_choice"));
        assertEquals(Json.parse("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"),
                map("{\"model\":\"m\"," + HI + "," + TOOL + ",\"parallel_tool_calls\":false}").get("tool_choice"));
        assertEquals(Json.parse("{\"type\":\"none\"}"),
                map("{\"model\":\"m\"," + HI + "," + TOOL + ",\"tool_choice\":\"none\",\"parallel_tool_calls\":false}").get("tool_choice"),
                "disable_parallel_tool_use does not go with none");
    }

    @Test
    void allowedToolsFilterTheToolListThenApplyTheMode() throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + "," + TOOL + ",\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":"
                + "{\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"g\"}}]}}}");
        assertEquals(1, out.get("tools").size());
        assertEquals("g", out.at("/tools/0/name").asText());
        assertEquals("any", out.at("/tool_choice/type").asText());
    }

    @Test
    void toolChoiceWithoutToolsIsNotSent() throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + ",\"tool_choice\":\"auto\"}");
        assertFalse(out.has("tool_choice"));
        assertFalse(out.has("tools"));
    }

    @Test
    void customToolsAndTheReservedJsonToolNameAreRefused() throws IOException {
        assertEquals("tools[0].type", rejected("{\"model\":\"m\"," + HI
                + ",\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\"}}]}").param());
        assertEquals("tools[0].function.name", rejected("{\"model\":\"m\"," + HI + ",\"response_format\":{\"type\":\"json_object\"},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"json_response\"}}]}").param());
        assertEquals("response_format.json_schema.schema", rejected("{\"model\":\"m\"," + HI + ",\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"array\"}}}}").param());
    }

    @Test
    void aToolNamedJsonResponseIsAnOrdinaryToolOutsideJsonMode() throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"json_response\"}}]}");
        assertEquals("json_response", out.at("/tools/0/name").asText());
        assertFalse(out.has("tool_choice"));
    }

    @Test
    void jsonModeKeepsANamedToolChoiceAndForcesTheJsonToolWhenTheClientSaidNone() throws IOException {
        String base = "{\"model\":\"m\"," + HI + "," + TOOL + ",\"response_format\":{\"type\":\"json_object\"},\"tool_choice\":";
        assertEquals(Json.parse("{\"type\":\"tool\",\"name\":\"f\"}"),
                map(base + "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}").get("tool_choice"));
        assertEquals(Json.parse("{\"type\":\"tool\",\"name\":\"json_response\",\"disable_parallel_tool_use\":true}"),
                map(base + "\"none\"}").get("tool_choice"));
    }

    @Test
    void textResponseFormatIsNotJsonMode() throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + ",\"response_format\":{\"type\":\"text\"}}");
        assertFalse(out.has("tools"));
    }

    // ---- thinking ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} with max {1} → budget {2}, max_tokens {3}")
    @CsvSource({"minimal,,1024,5120", "high,,4096,8192", "max,,16384,20480", "high,2000,1999,2000", "medium,20000,2048,20000"})
    void reasoningEffortSetsAThinkingBudgetBelowMaxTokens(String effort, Integer max, int budget, int maxTokens) throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"" + effort + "\""
                + (max == null ? "" : ",\"max_completion_tokens\":" + max) + "}");
        assertEquals(Json.parse("{\"type\":\"enabled\",\"budget_tokens\":" + budget + "}"), out.get("thinking"));
        assertEquals(maxTokens, out.get("max_tokens").asInt());
    }

    @Test
    void reasoningEffortNoneOrAnUnknownLevelLeavesThinkingOff() throws IOException {
        assertFalse(map("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"none\"}").has("thinking"));
        assertFalse(map("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"turbo\"}").has("thinking"));
    }

    @Test
    void thinkingNeedsMoreThanItsMinimumBudgetOfMaxTokens() throws IOException {
        assertEquals("reasoning_effort", rejected("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"low\",\"max_tokens\":1024}").param());
    }

    @Test
    void thinkingStaysOffWhenToolUseIsForcedOrAToolLoopContinues() throws IOException {
        assertFalse(map("{\"model\":\"m\"," + HI + "," + TOOL + ",\"tool_choice\":\"required\",\"reasoning_effort\":\"high\"}").has("thinking"));
        assertTrue(map("{\"model\":\"m\"," + HI + "," + TOOL + ",\"tool_choice\":\"auto\",\"reasoning_effort\":\"high\"}").has("thinking"));
        ObjectNode loop = map("{\"model\":\"m\",\"reasoning_effort\":\"high\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"ok\"}]}");
        assertFalse(loop.has("thinking"), "Anthropic would demand the signed thinking block of the previous turn");
    }

    @Test
    void aClientsOwnThinkingObjectIsSentAsItIs() throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + ",\"reasoning_effort\":\"high\",\"thinking\":{\"type\":\"adaptive\"},\"top_k\":5}");
        assertEquals(Json.parse("{\"type\":\"adaptive\"}"), out.get("thinking"));
        assertEquals(5, out.get("top_k").asInt());
    }

    // ---- messages ------------------------------------------------------------------------

    @Test
    void safetyIdentifierWinsOverUserAndStopArraysPassAsTheyAre() throws IOException {
        ObjectNode out = map("{\"model\":\"m\"," + HI + ",\"user\":\"u\",\"safety_identifier\":\"s\",\"stop\":[\"a\",\"b\"]}");
        assertEquals("s", out.at("/metadata/user_id").asText());
        assertEquals(Json.parse("[\"a\",\"b\"]"), out.get("stop_sequences"));
    }

    @Test
    void aToolResultIsPutBeforeUserTextThatCameFirst() throws IOException {
        ObjectNode out = map("{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},{\"role\":\"user\",\"content\":\"note\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"ok\"}]}");
        JsonNode user = out.at("/messages/1/content");
        assertEquals("tool_result", user.get(0).get("type").asText());
        assertEquals("text", user.get(1).get("type").asText());
    }

    @Test
    void assistantRefusalsBecomeTextAndReasoningIsNotSentBack() throws IOException {
        ObjectNode out = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":null,"
                + "\"refusal\":\"I can't.\",\"reasoning_content\":\"thought\"},{\"role\":\"user\",\"content\":\"Why?\"}]}");
        assertEquals(Json.parse("[{\"type\":\"text\",\"text\":\"I can't.\"}]"), out.at("/messages/1/content"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}                                             | messages[0].role",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png,abc\"}}]}  | messages[0].content[0].image_url.url",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://x/y.png\"}}]}       | messages[0].content[0].image_url.url",
            "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc\"}}]}                  | messages[0].content[0].file",
            "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_data\":\"data:text/csv;base64,YQ==\"}}]} | messages[0].content[0].file.file_data",
            "{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x\"}}]}         | messages[0].content[0]",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}]} | messages[0].tool_calls[0].function.arguments",
            "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t\",\"type\":\"custom\",\"custom\":{\"name\":\"f\",\"input\":\"x\"}}]} | messages[0].tool_calls[0].type"})
    void untranslatableTurnsNameTheirField(String message, String param) throws IOException {
        assertEquals(param, rejected("{\"model\":\"m\",\"messages\":[" + message + "]}").param());
    }

    @Test
    void unsupportedOptionsAreRefusedWithTheirField() throws IOException {
        assertEquals("modalities", rejected("{\"model\":\"m\"," + HI + ",\"modalities\":[\"text\",\"audio\"]}").param());
        assertEquals("functions", rejected("{\"model\":\"m\"," + HI + ",\"functions\":[{\"name\":\"f\"}]}").param());
        assertEquals("top_logprobs", rejected("{\"model\":\"m\"," + HI + ",\"top_logprobs\":1}").param());
        assertTrue(map("{\"model\":\"m\"," + HI + ",\"n\":1,\"logprobs\":false,\"temperature\":1}").has("temperature"));
    }
}
