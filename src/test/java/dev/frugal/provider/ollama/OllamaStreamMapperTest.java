package dev.frugal.provider.ollama;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;
import dev.frugal.wire.NdjsonDecoder;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each NDJSON fixture, fed through the decoder in small pieces, becomes the right OpenAI chunks. */
@Tag("unit")
class OllamaStreamMapperTest {
    static final dev.frugal.config.ModelConfig.Deployment SPLIT = new dev.frugal.config.ModelConfig.Deployment("box", "m", 1);
    private static final String SECRET = "ollama-proxy-secret-123";

    /** The chunks of a whole stream, or the failure it ended with (chunks so far in {@code chunks}). */
    record Outcome(List<JsonNode> chunks, UpstreamFailure failure, Usage usage) {}

    static Supplier<String> ids() {
        AtomicInteger n = new AtomicInteger();
        return () -> "call_gen" + n.incrementAndGet();
    }

    static Outcome run(String caseName, boolean clientWantsUsage, int piece) {
        OllamaStreamMapper m = new OllamaStreamMapper("box", Credentials.ofKey(SECRET), "chatcmpl-test", 1_764_000_000L, clientWantsUsage, ids(), SPLIT);
        List<JsonNode> chunks = new ArrayList<>();
        UpstreamFailure[] failure = {null};
        NdjsonDecoder d = new NdjsonDecoder(line -> {
            if (failure[0] != null) return;
            try {
                for (String c : m.map(line)) chunks.add(parse(c));
            } catch (UpstreamFailure f) {
                failure[0] = f;
            }
        });
        byte[] bytes = Fixtures.bytes(caseName, "response.ndjson");
        for (int i = 0; i < bytes.length; i += piece) {
            d.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + piece))));
        }
        String rest = d.end();
        if (failure[0] == null) {
            try {
                if (rest != null) for (String c : m.mapUnterminated(rest)) chunks.add(parse(c));
                m.atEnd();
            } catch (UpstreamFailure f) {
                failure[0] = f;
            }
        }
        return new Outcome(chunks, failure[0], m.usage());
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(List<JsonNode> chunks, String field) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : chunks) {
            JsonNode v = c.path("choices").path(0).path("delta").get(field);
            if (v != null && v.isTextual()) sb.append(v.asText());
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stream-basic", "stream-crlf"})
    void textStreamBecomesRoleDeltasAndFinish(String caseName) {
        for (int piece : new int[] {1, 7, 4096}) {
            Outcome o = run(caseName, false, piece);
            assertNull(o.failure());
            assertEquals(5, o.chunks().size(), "role, three deltas, finish");
            JsonNode role = o.chunks().get(0);
            assertEquals("assistant", role.at("/choices/0/delta/role").asText());
            assertEquals("", role.at("/choices/0/delta/content").asText());
            assertEquals("Hello from Ollama.", text(o.chunks(), "content"));
            JsonNode finish = o.chunks().get(4);
            assertTrue(finish.at("/choices/0/delta").isEmpty());
            assertEquals("stop", finish.at("/choices/0/finish_reason").asText());
            for (JsonNode c : o.chunks()) {
                assertEquals("chatcmpl-test", c.get("id").asText());
                assertEquals("chat.completion.chunk", c.get("object").asText());
                assertEquals(1_764_000_000L, c.get("created").asLong());
                assertEquals("llama3.2:latest", c.get("model").asText());
                assertFalse(c.has("usage"));
            }
            assertEquals(new Usage(26, 4, 0, 0), o.usage());
        }
    }

    @Test
    void usageChunkComesLastOnlyWhenAsked() {
        Outcome o = run("stream-basic", true, 4096);
        JsonNode last = o.chunks().get(o.chunks().size() - 1);
        assertEquals(6, o.chunks().size());
        assertTrue(last.get("choices").isEmpty());
        assertEquals(26, last.at("/usage/prompt_tokens").asInt());
        assertEquals(4, last.at("/usage/completion_tokens").asInt());
        assertEquals(30, last.at("/usage/total_tokens").asInt());
    }

    @Test
    void wholeToolCallsBecomeIndexedFragmentsWithStringArgumentsAndTheFinishIsToolCalls() {
        Outcome o = run("stream-tools", false, 5);
        assertNull(o.failure());
        List<JsonNode> calls = new ArrayList<>();
        for (JsonNode c : o.chunks()) c.at("/choices/0/delta/tool_calls").forEach(calls::add);
        assertEquals(2, calls.size());
        assertEquals(0, calls.get(0).get("index").asInt());
        assertEquals("call_p4r1s", calls.get(0).get("id").asText(), "Ollama's id is kept");
        assertEquals("function", calls.get(0).get("type").asText());
        assertEquals("get_weather", calls.get(0).at("/function/name").asText());
        assertEquals("{\"city\":\"Paris\"}", calls.get(0).at("/function/arguments").asText());
        assertEquals(1, calls.get(1).get("index").asInt());
        assertEquals("call_gen1", calls.get(1).get("id").asText(), "a missing id is generated");
        assertEquals("{\"city\":\"Rome\"}", calls.get(1).at("/function/arguments").asText());
        JsonNode finish = o.chunks().get(o.chunks().size() - 1);
        assertEquals("tool_calls", finish.at("/choices/0/finish_reason").asText(), "Ollama says stop; calls were made");
        assertFalse(text(o.chunks(), "content").contains("null"));
    }

    @Test
    void thinkingBecomesReasoningContentAndStaysOutOfContent() {
        Outcome o = run("stream-thinking", false, 3);
        assertEquals("The user greets me. Answer briefly.", text(o.chunks(), "reasoning_content"));
        assertEquals("Hi there!", text(o.chunks(), "content"));
        assertEquals("qwen3:8b", o.chunks().get(0).get("model").asText());
        assertEquals(new Usage(14, 21, 0, 0), o.usage());
    }

    @Test
    void doneReasonLengthIsLength() {
        Outcome o = run("stream-length", false, 4096);
        assertEquals("length", o.chunks().get(o.chunks().size() - 1).at("/choices/0/finish_reason").asText());
    }

    @Test
    void aStreamCutInTheMiddleOfALineFails() {
        for (int piece : new int[] {1, 4096}) {
            Outcome o = run("stream-truncated", false, piece);
            assertEquals(UpstreamFailure.Kind.PROTOCOL, o.failure().kind());
            assertEquals("The stream from upstream provider 'box' was cut off in the middle of a line.", o.failure().getMessage());
            assertEquals("Hello from", text(o.chunks(), "content"), "what came before was relayed");
            assertTrue(o.chunks().stream().noneMatch(c -> c.at("/choices/0/finish_reason").isTextual()), "no finish chunk");
        }
    }

    @Test
    void aStreamOfWholeLinesThatEndsWithoutTheDoneLineFails() {
        OllamaStreamMapper m = new OllamaStreamMapper("box", null, "c", 1, false, ids(), SPLIT);
        m.map("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}");
        UpstreamFailure f = assertThrows(UpstreamFailure.class, m::atEnd);
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.kind());
        assertEquals("The stream from upstream provider 'box' ended before it was complete.", f.getMessage());
    }

    @Test
    void aWholeLastLineWithoutItsLineFeedCounts() {
        OllamaStreamMapper m = new OllamaStreamMapper("box", null, "c", 1, false, ids(), SPLIT);
        List<String> out = m.mapUnterminated("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"done\":true,\"done_reason\":\"stop\",\"eval_count\":2}");
        assertEquals(2, out.size(), "role and finish");
        m.atEnd();
        assertEquals(new Usage(0, 2, 0, 0), m.usage());
    }

    @Test
    void anErrorLineFailsTheStreamInBand() {
        Outcome o = run("stream-error-event", false, 4096);
        assertEquals(UpstreamFailure.Kind.UPSTREAM_ERROR, o.failure().kind());
        assertEquals("Upstream provider 'box' reported an error: an error was encountered while running the model: unexpected EOF",
                o.failure().getMessage());
        assertEquals(2, o.chunks().size(), "role and the first delta");
    }

    @Test
    void garbageLineIsAProtocolFailure() {
        OllamaStreamMapper m = new OllamaStreamMapper("box", null, "c", 1, false, ids(), SPLIT);
        assertEquals(UpstreamFailure.Kind.PROTOCOL, assertThrows(UpstreamFailure.class, () -> m.map("<html>")).kind());
        assertEquals(UpstreamFailure.Kind.PROTOCOL, assertThrows(UpstreamFailure.class, () -> m.map("[1]")).kind());
    }

    @Test
    void errorLineNeverCarriesTheSecret() {
        OllamaStreamMapper m = new OllamaStreamMapper("box", Credentials.ofKey(SECRET), "c", 1, false, ids(), SPLIT);
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> m.map("{\"error\":\"bad token " + SECRET + "\"}"));
        assertFalse(f.getMessage().contains(SECRET.substring(0, 8)), f.getMessage());
    }

    @Test
    void linesAfterTheDoneLineAreIgnored() {
        OllamaStreamMapper m = new OllamaStreamMapper("box", null, "c", 1, false, ids(), SPLIT);
        m.map("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}");
        assertTrue(m.map("{\"model\":\"m\",\"message\":{\"content\":\"late\"},\"done\":false}").isEmpty());
        m.atEnd();
        assertEquals(Usage.NONE, m.usage(), "absent counts are zero");
    }

    @Test
    void contentOnTheDoneLineIsRelayedBeforeTheFinish() {
        OllamaStreamMapper m = new OllamaStreamMapper("box", null, "c", 1, false, ids(), SPLIT);
        List<String> out = m.map("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"All at once.\"},"
                + "\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":4}");
        assertEquals(3, out.size());
        assertEquals("All at once.", parse(out.get(1)).at("/choices/0/delta/content").asText());
        assertEquals("stop", parse(out.get(2)).at("/choices/0/finish_reason").asText());
    }

    @org.junit.jupiter.api.Test
    void thinkTagsInContentAreSplitOutEvenWhenTheTagIsCutAcrossLines() throws Exception {
        OllamaStreamMapper m = new OllamaStreamMapper("box", null, "c", 1, false, ids(), SPLIT);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (String piece : List.of("<thi", "nk>Let me think.</th", "ink>\n\nThe answer", " is 4.")) {
            for (String chunk : m.map("{\"model\":\"r1\",\"message\":{\"role\":\"assistant\",\"content\":" + Json.mapper().writeValueAsString(piece) + "},\"done\":false}")) {
                JsonNode d = Json.parse(chunk).at("/choices/0/delta");
                reasoning.append(d.path("reasoning_content").asText(""));
                content.append(d.path("content").asText(""));
            }
        }
        m.map("{\"model\":\"r1\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}");
        org.junit.jupiter.api.Assertions.assertEquals("Let me think.", reasoning.toString());
        org.junit.jupiter.api.Assertions.assertEquals("The answer is 4.", content.toString());
    }

    @org.junit.jupiter.api.Test
    void aWholeAnswerWithThinkTagsIsSplitAndPassModeLeavesItAlone() throws Exception {
        String answer = "{\"model\":\"r1\",\"message\":{\"role\":\"assistant\",\"content\":\"<think>Hmm.</think>\\n4\"},\"done\":true,\"done_reason\":\"stop\"}";
        com.fasterxml.jackson.databind.node.ObjectNode split = OllamaResponseMapper.toOpenAi(Json.parse(answer), "box", "c", 1, ids(), SPLIT);
        org.junit.jupiter.api.Assertions.assertEquals("Hmm.", split.at("/choices/0/message/reasoning_content").asText());
        org.junit.jupiter.api.Assertions.assertEquals("4", split.at("/choices/0/message/content").asText());
        com.fasterxml.jackson.databind.node.ObjectNode pass = OllamaResponseMapper.toOpenAi(Json.parse(answer), "box", "c", 1, ids(),
                new dev.frugal.config.ModelConfig.Deployment("box", "m", 1, dev.frugal.config.ModelConfig.Reasoning.PASS, false));
        org.junit.jupiter.api.Assertions.assertEquals("<think>Hmm.</think>\n4", pass.at("/choices/0/message/content").asText());
    }
}
