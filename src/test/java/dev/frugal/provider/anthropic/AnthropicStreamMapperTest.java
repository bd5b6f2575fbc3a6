package dev.frugal.provider.anthropic;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.anthropic.AnthropicStreamMapper.Emit;
import dev.frugal.provider.anthropic.AnthropicStreamMapper.Failed;
import dev.frugal.provider.anthropic.AnthropicStreamMapper.Step;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stream conversion beyond the fixture cases: odd orders, unknown events, error types. */
@Tag("unit")
class AnthropicStreamMapperTest {
    static final String START = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}";
    static final String STOP = "{\"type\":\"message_stop\"}";

    static AnthropicStreamMapper mapper(boolean jsonMode, boolean keepThinking, boolean usage) {
        return new AnthropicStreamMapper("claude", Credentials.ofKey("sk-ant-secret-key-123456"), 42, jsonMode, keepThinking, usage);
    }

    static List<String> chunks(Step step) {
        return assertInstanceOf(Emit.class, step).chunks();
    }

    static JsonNode one(Step step) throws IOException {
        List<String> c = chunks(step);
        assertEquals(1, c.size(), c.toString());
        return Json.parse(c.get(0));
    }

    @Test
    void everyChunkCarriesTheMessageIdModelAndTheGivenCreationTime() throws IOException {
        AnthropicStreamMapper m = mapper(false, true, false);
        JsonNode role = one(m.map("message_start", START));
        assertEquals("msg_1", role.get("id").asText());
        assertEquals("claude-x", role.get("model").asText());
        assertEquals(42, role.get("created").asLong());
        assertEquals("chat.completion.chunk", role.get("object").asText());
        assertEquals(Json.parse("{\"role\":\"assistant\",\"content\":\"\"}"), role.at("/choices/0/delta"));
    }

    @Test
    void unknownEventsPingsAndBlockStopsProduceNothing() {
        AnthropicStreamMapper m = mapper(false, true, false);
        m.map("message_start", START);
        assertTrue(chunks(m.map("ping", "{\"type\":\"ping\"}")).isEmpty());
        assertTrue(chunks(m.map("future_event", "{\"type\":\"future_event\",\"x\":1}")).isEmpty());
        m.map("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        assertTrue(chunks(m.map("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")).isEmpty());
        assertTrue(chunks(m.map("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}")).isEmpty());
    }

    @Test
    void aBlockStartingWithTextOrInputEmitsIt() throws IOException {
        AnthropicStreamMapper m = mapper(false, true, false);
        m.map("message_start", START);
        assertEquals("Hi", one(m.map(null, "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"Hi\"}}"))
                .at("/choices/0/delta/content").asText());
        List<String> tool = chunks(m.map(null, "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{\"a\":1}}}"));
        assertEquals(2, tool.size(), "the start fragment first, then the arguments");
        assertEquals("", Json.parse(tool.get(0)).at("/choices/0/delta/tool_calls/0/function/arguments").asText());
        assertEquals("{\"a\":1}", Json.parse(tool.get(1)).at("/choices/0/delta/tool_calls/0/function/arguments").asText());
    }

    @Test
    void contentBeforeMessageStartStillGetsTheRoleChunkFirst() throws IOException {
        AnthropicStreamMapper m = mapper(false, true, false);
        List<String> c = chunks(m.map(null, "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"Hi\"}}"));
        assertEquals(2, c.size());
        assertEquals("assistant", Json.parse(c.get(0)).at("/choices/0/delta/role").asText());
        assertTrue(chunks(m.map("message_start", START)).isEmpty(), "one role chunk only");
    }

    @Test
    void thinkingIsDroppedWhenTheDeploymentStripsReasoning() {
        AnthropicStreamMapper m = mapper(false, false, false);
        m.map("message_start", START);
        m.map(null, "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}");
        assertTrue(chunks(m.map(null, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}")).isEmpty());
    }

    @Test
    void serverToolBlocksNeverBecomeToolCalls() throws IOException {
        AnthropicStreamMapper m = mapper(false, true, false);
        m.map("message_start", START);
        assertTrue(chunks(m.map(null, "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}")).isEmpty());
        assertTrue(chunks(m.map(null, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\":\\\"x\\\"}\"}}")).isEmpty());
        m.map(null, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":3}}");
        assertEquals("stop", one(m.map(null, STOP)).at("/choices/0/finish_reason").asText(), "no call is left for the client");
    }

    @Test
    void usageIsKeptForMeteringEvenWhenTheClientDidNotAskForIt() {
        AnthropicStreamMapper m = mapper(false, true, false);
        m.map("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"c\",\"usage\":"
                + "{\"input_tokens\":5,\"cache_read_input_tokens\":10,\"cache_creation_input_tokens\":2,\"output_tokens\":1}}}");
        assertEquals(new Usage(17, 1, 10, 0), m.usage());
        m.map(null, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":30}}");
        assertEquals(new Usage(17, 30, 10, 0), m.usage(), "cumulative: set, not added");
        assertEquals(1, chunks(m.map(null, STOP)).size(), "the finish chunk, no usage chunk");
        assertTrue(m.finished());
        assertTrue(chunks(m.map(null, "{\"type\":\"content_block_start\",\"index\":5,\"content_block\":{\"type\":\"text\",\"text\":\"late\"}}")).isEmpty(),
                "nothing after message_stop");
        assertDoesNotThrow(() -> m.atEnd(false));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"overloaded_error,OVERLOADED", "rate_limit_error,RATE_LIMITED", "api_error,UPSTREAM_ERROR", "timeout_error,TIMEOUT",
            "authentication_error,UNAUTHORIZED", "billing_error,QUOTA_EXHAUSTED", "invalid_request_error,UPSTREAM_ERROR", "brand_new_error,UPSTREAM_ERROR"})
    void errorEventsAreClassifiedByTheirType(String type, UpstreamFailure.Kind kind) {
        AnthropicStreamMapper m = mapper(false, true, false);
        m.map("message_start", START);
        Failed f = assertInstanceOf(Failed.class, m.map("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"bad sk-ant-secret-key-123456\"}}"));
        assertEquals(kind, f.failure().kind());
        assertFalse(f.failure().getMessage().contains("secret-key"), f.failure().getMessage());
        assertTrue(chunks(m.map(null, STOP)).isEmpty(), "nothing after a failure");
        assertDoesNotThrow(() -> m.atEnd(false), "the failure was already reported");
    }

    @Test
    void eventsThatAreNotTheProtocolFailTheStream() {
        assertEquals(UpstreamFailure.Kind.PROTOCOL,
                assertInstanceOf(Failed.class, mapper(false, true, false).map(null, "{not json")).failure().kind());
        assertEquals(UpstreamFailure.Kind.PROTOCOL,
                assertInstanceOf(Failed.class, mapper(false, true, false).map(null, "[1,2]")).failure().kind());
        AnthropicStreamMapper m = mapper(false, true, false);
        m.map("message_start", START);
        assertEquals(UpstreamFailure.Kind.PROTOCOL, assertInstanceOf(Failed.class, m.map(null,
                "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}")).failure().kind(),
                "a delta for a block that never started");
    }

    @Test
    void aStreamThatEndsWithoutMessageStopIsCutOff() {
        AnthropicStreamMapper m = mapper(false, true, false);
        m.map("message_start", START);
        assertEquals(UpstreamFailure.Kind.PROTOCOL, assertThrows(UpstreamFailure.class, () -> m.atEnd(false)).kind());
        assertEquals(UpstreamFailure.Kind.PROTOCOL, assertThrows(UpstreamFailure.class, () -> m.atEnd(true)).kind());
    }

    @Test
    void theUsageChunkComesAfterTheFinishChunkWithEmptyChoices() throws IOException {
        AnthropicStreamMapper m = mapper(false, true, true);
        m.map("message_start", START);
        m.map(null, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":9}}");
        List<String> c = chunks(m.map(null, STOP));
        assertEquals(2, c.size());
        assertEquals("length", Json.parse(c.get(0)).at("/choices/0/finish_reason").asText());
        JsonNode usage = Json.parse(c.get(1));
        assertTrue(usage.get("choices").isArray() && usage.get("choices").isEmpty());
        assertEquals(14, usage.at("/usage/total_tokens").asInt());
    }
}
