package dev.frugal.provider.openaiwire;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.provider.Operation;
import dev.frugal.provider.openaiwire.OpenAiStreamMapper.Forward;
import dev.frugal.provider.openaiwire.OpenAiStreamMapper.Step;
import dev.frugal.wire.Json;
import dev.frugal.wire.SseDecoder;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static dev.frugal.config.ModelConfig.Reasoning.PASS;
import static dev.frugal.config.ModelConfig.Reasoning.SPLIT;
import static dev.frugal.config.ModelConfig.Reasoning.STRIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reasoning in OpenAI-compatible answers, through the stream mapper and the whole-message path, on the fixtures. */
@Tag("unit")
class OpenAiReasoningTest {

    /** What a client assembles from a mapped stream. */
    record Assembled(List<String> upstream, List<String> forwarded, String reasoning, String content, String finish,
                     OpenAiStreamMapper mapper) {}

    static Assembled run(String fixture, Reasoning mode, boolean prefilled, boolean clientWantsUsage) throws IOException {
        OpenAiStreamMapper mapper = new OpenAiStreamMapper("up", Credentials.ofKey("secret"), Operation.CHAT, clientWantsUsage, mode, prefilled, 1);
        List<String> upstream = new ArrayList<>();
        List<String> out = new ArrayList<>();
        SseDecoder decoder = new SseDecoder((event, data) -> {
            upstream.add(data);
            Step step = mapper.map(event, data);
            if (step instanceof Forward f) out.add(f.json());
        });
        decoder.feed(Buffer.buffer(fixture("fixtures/openai/" + fixture + "/response.sse")));
        String last = mapper.atEnd(decoder.hasIncompleteEvent());
        if (last != null) out.add(last);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        String finish = null;
        for (String json : out) {
            for (JsonNode choice : Json.parse(json).path("choices")) {
                JsonNode d = choice.path("delta");
                assertFalse(d.has("reasoning"), "the field is always named reasoning_content: " + json);
                if (d.path("reasoning_content").isTextual()) reasoning.append(d.get("reasoning_content").asText());
                if (d.path("content").isTextual()) content.append(d.get("content").asText());
                if (choice.path("finish_reason").isTextual()) finish = choice.get("finish_reason").asText();
            }
        }
        return new Assembled(upstream, out, reasoning.toString(), content.toString(), finish, mapper);
    }

    static byte[] fixture(String path) throws IOException {
        try (InputStream in = OpenAiReasoningTest.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    // ---- <think> tags in streamed content ---------------------------------------------------

    @Test
    void splitMovesTheTaggedReasoningOutOfTheContentEvenWhenTagsAreCutAcrossChunks() throws IOException {
        Assembled a = run("stream-think-tags", SPLIT, false, false);
        assertEquals("\nThe user asks for 2+2. That is 4.\n", a.reasoning());
        assertEquals("2 + 2 = 4.", a.content());
        assertEquals("stop", a.finish());
        assertTrue(a.forwarded().stream().noneMatch(j -> j.contains("think>") || j.contains("<th")), "no tag reaches the client");
        // once the answer started, chunks pass byte for byte again
        assertEquals(a.upstream().get(11), a.forwarded().get(a.forwarded().size() - 2));
        assertEquals(a.upstream().get(10), a.forwarded().get(a.forwarded().size() - 3));
    }

    /** Empty content and empty reasoning_content in the opening chunk neither feed nor end the splitting. */
    @Test
    void anOpeningChunkWithEmptyFieldsPassesAndTheTagsAfterItAreStillSplit() throws IOException {
        OpenAiStreamMapper m = new OpenAiStreamMapper("up", null, Operation.CHAT, false, SPLIT, false, 1);
        m.map(null, "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[]}"); // the first is read
        String open = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"\"},\"finish_reason\":null}]}";
        assertEquals(open, ((Forward) m.map(null, open)).json());
        String tagged = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"<think>why</think>Because.\"},\"finish_reason\":null}]}";
        JsonNode delta = Json.parse(((Forward) m.map(null, tagged)).json()).at("/choices/0/delta");
        assertEquals("why", delta.path("reasoning_content").asText());
        assertEquals("Because.", delta.path("content").asText());
    }

    @Test
    void chunksHeldBackWhollyAreNotForwardedAsEmptyDeltas() throws IOException {
        Assembled a = run("stream-think-tags", SPLIT, false, false);
        for (String json : a.forwarded().subList(1, a.forwarded().size())) {
            JsonNode choice = Json.parse(json).path("choices").path(0);
            boolean hasText = choice.path("delta").path("content").isTextual() || choice.path("delta").path("reasoning_content").isTextual();
            assertTrue(hasText || choice.path("finish_reason").isTextual(), "an empty chunk was forwarded: " + json);
        }
    }

    @Test
    void stripDropsTheReasoning() throws IOException {
        Assembled a = run("stream-think-tags", STRIP, false, false);
        assertEquals("", a.reasoning());
        assertEquals("2 + 2 = 4.", a.content());
        assertTrue(a.forwarded().stream().noneMatch(j -> j.contains("reasoning_content") || j.contains("The user asks")));
    }

    @Test
    void passLeavesEveryChunkAsItCame() throws IOException {
        Assembled a = run("stream-think-tags", PASS, false, true);
        assertEquals(a.upstream().subList(0, a.upstream().size() - 1), a.forwarded(), "byte for byte, [DONE] aside");
        assertEquals("", a.reasoning());
        assertEquals("<think>\nThe user asks for 2+2. That is 4.\n</think>\n\n2 + 2 = 4.", a.content());
    }

    @Test
    void aPrefilledTemplateNeedsTheSettingToFindTheReasoning() throws IOException {
        Assembled prefilled = run("stream-think-prefilled", SPLIT, true, false);
        assertEquals("Okay, the user greets me.\n", prefilled.reasoning());
        assertEquals("Hello! How can I help?", prefilled.content());
        Assembled unset = run("stream-think-prefilled", SPLIT, false, false);
        assertEquals("", unset.reasoning(), "without the setting only an opening tag starts reasoning");
        assertTrue(unset.content().startsWith("Okay, the user greets me.\n</think>"));
    }

    @Test
    void aPrefilledDeploymentWhoseModelDidNotThinkGetsItsTextAsContent() throws IOException {
        Assembled a = run("stream-basic", SPLIT, true, false);
        assertEquals("", a.reasoning());
        assertEquals("Hello world.", a.content(), "no </think> came: the held text was the answer");
        assertEquals("stop", a.finish());
    }

    // ---- reasoning in its own field -------------------------------------------------------

    @Test
    void deepSeekReasoningContentPassesThroughAndReasoningTokensAreCounted() throws IOException {
        Assembled a = run("stream-deepseek-reasoning", SPLIT, false, true);
        assertEquals("Hmm, a greeting. Answer politely.", a.reasoning());
        assertEquals("Hello! How can I help you today?", a.content());
        assertEquals(41, a.mapper().usage().reasoningTokens());
        assertEquals(52, a.mapper().usage().completionTokens());
        // nothing needed changing: every chunk went through byte for byte
        assertEquals(a.upstream().subList(0, a.upstream().size() - 1), a.forwarded());
    }

    @Test
    void deepSeekReasoningIsDroppedWithStrip() throws IOException {
        Assembled a = run("stream-deepseek-reasoning", STRIP, false, false);
        assertEquals("", a.reasoning());
        assertEquals("Hello! How can I help you today?", a.content());
        assertTrue(a.forwarded().stream().noneMatch(j -> j.contains("\"reasoning_content\":\"") || j.contains("Hmm")),
                "no reasoning text (a null reasoning_content on answer chunks may stay)");
    }

    @ParameterizedTest
    @CsvSource({"SPLIT", "PASS"})
    void theReasoningFieldOfNewVllmIsRenamed(Reasoning mode) throws IOException {
        Assembled a = run("stream-vllm-reasoning", mode, false, false);
        assertEquals("Simple arithmetic.", a.reasoning());
        assertEquals("\n\nIt is 4.", a.content(), "content from a server that separates reasoning is not trimmed");
    }

    @Test
    void theSplitterIsOffOnceTheUpstreamSeparatesReasoning() {
        OpenAiStreamMapper m = new OpenAiStreamMapper("up", Credentials.ofKey("s"), Operation.CHAT, false, SPLIT, true, 1);
        String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":";
        m.map(null, head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
        m.map(null, head + "{\"reasoning_content\":\"think\"},\"finish_reason\":null}]}");
        String answer = head + "{\"content\":\"Prefill setting or not, this is the answer\"},\"finish_reason\":null}]}";
        assertEquals(new Forward(answer), m.map(null, answer), "not held back by the prefilled splitter");
    }

    // ---- whole answers --------------------------------------------------------------------

    static ObjectNode message(String fixture, Reasoning mode, boolean prefilled) throws IOException {
        ObjectNode body = (ObjectNode) Json.parse(fixture("fixtures/openai/" + fixture + "/response.json"));
        ObjectNode message = (ObjectNode) body.path("choices").path(0).path("message");
        OpenAiReasoning.message(message, mode, prefilled);
        return message;
    }

    @Test
    void aWholeMessageIsSplit() throws IOException {
        ObjectNode m = message("chat-think-tags", SPLIT, false);
        assertEquals("The capital of France is Paris.", m.get("content").asText());
        assertEquals("\nThe user asks for the capital of France. It is Paris.\n", m.get("reasoning_content").asText());
        ObjectNode stripped = message("chat-think-tags", STRIP, false);
        assertEquals("The capital of France is Paris.", stripped.get("content").asText());
        assertFalse(stripped.has("reasoning_content"));
        ObjectNode passed = message("chat-think-tags", PASS, false);
        assertTrue(passed.get("content").asText().startsWith("<think>"));
        assertFalse(passed.has("reasoning_content"));
    }

    @Test
    void aWholeDeepSeekMessageKeepsItsReasoningUnlessStripped() throws IOException {
        assertEquals("The user asks a geography question. Paris.", message("chat-deepseek-reasoning", SPLIT, true).get("reasoning_content").asText());
        assertEquals("The capital of France is Paris.", message("chat-deepseek-reasoning", SPLIT, true).get("content").asText(),
                "a server that separates reasoning: the prefill setting does not apply");
        assertFalse(message("chat-deepseek-reasoning", STRIP, false).has("reasoning_content"));
    }

    @Test
    void aWholeMessageWithTheReasoningFieldIsRenamed() throws IOException {
        ObjectNode m = (ObjectNode) Json.parse("{\"role\":\"assistant\",\"content\":\"4\",\"reasoning\":\"2+2\"}");
        assertTrue(OpenAiReasoning.message(m, SPLIT, false));
        assertEquals("{\"role\":\"assistant\",\"content\":\"4\",\"reasoning_content\":\"2+2\"}", Json.write(m));
        ObjectNode plain = (ObjectNode) Json.parse("{\"role\":\"assistant\",\"content\":\"Hi\"}");
        assertFalse(OpenAiReasoning.message(plain, SPLIT, false), "nothing to change");
    }
}
