package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class StreamFoldTest {
    private static final String HEAD = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",";

    private static String delta(String delta) {
        return HEAD + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
    }

    private static String finish(String reason) {
        return HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}";
    }

    private static JsonNode json(String s) throws Exception {
        return Json.parse(s);
    }

    @Test
    void contentAndUsageRebuildTheChatCompletion() throws Exception {
        StreamFold f = new StreamFold();
        f.add(delta("{\"role\":\"assistant\",\"content\":\"\"}"));
        f.add(delta("{\"content\":\"Hello\"}"));
        f.add(delta("{\"content\":\", world\"}"));
        f.add(finish("stop"));
        f.add(HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}");
        assertEquals(json("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello, world\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}"),
                json(Json.write(f.completion())));
        assertEquals("Hello, world", f.text());
        assertTrue(f.complete());
        assertFalse(f.truncated());
    }

    @Test
    void toolCallsAreAssembledByIndexAcrossChunks() throws Exception {
        StreamFold f = new StreamFold();
        f.add(delta("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}"));
        f.add(delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}"));
        f.add(delta("{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}"));
        f.add(delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}"));
        f.add(finish("tool_calls"));
        JsonNode message = f.completion().path("choices").get(0).path("message");
        assertTrue(message.get("content").isNull(), "no text beside the calls: " + message);
        assertEquals(json("[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]"), message.get("tool_calls"));
        assertEquals("tool_calls", f.completion().path("choices").get(0).path("finish_reason").asText());
        assertEquals("get_weather{\"city\":\"Paris\"}get_time{}", f.text());
    }

    @Test
    void aToolNameRepeatedInEveryDeltaIsKeptOnce() {
        StreamFold f = new StreamFold();
        f.add(delta("{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}"));
        f.add(delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\":1}\"}}]}"));
        assertEquals("f{\"a\":1}", f.text());
    }

    @Test
    void reasoningIsKeptUnderTheFieldTheUpstreamUsed() {
        StreamFold deepseek = new StreamFold();
        deepseek.add(delta("{\"reasoning_content\":\"Think \"}"));
        deepseek.add(delta("{\"reasoning_content\":\"hard.\"}"));
        deepseek.add(delta("{\"content\":\"42\"}"));
        deepseek.add(finish("stop"));
        JsonNode m = deepseek.completion().path("choices").get(0).path("message");
        assertEquals("Think hard.", m.path("reasoning_content").asText());
        assertEquals("42", m.path("content").asText());
        assertEquals("Think hard.42", deepseek.text(), "reasoning is billed as output");

        StreamFold openRouter = new StreamFold();
        openRouter.add(delta("{\"reasoning\":\"Hmm.\"}"));
        openRouter.add(delta("{\"content\":\"Yes\"}"));
        JsonNode m2 = openRouter.completion().path("choices").get(0).path("message");
        assertEquals("Hmm.", m2.path("reasoning").asText());
        assertFalse(m2.has("reasoning_content"));
    }

    @Test
    void aStreamCutMidwayKeepsWhatCameAndIsNotComplete() {
        StreamFold f = new StreamFold();
        assertTrue(f.isEmpty());
        f.add(delta("{\"role\":\"assistant\",\"content\":\"partial \"}"));
        f.add(delta("{\"content\":\"answ\"}"));
        assertFalse(f.isEmpty());
        assertEquals("partial answ", f.text());
        assertFalse(f.complete(), "no finish reason: cut short");
        JsonNode choice = f.completion().path("choices").get(0);
        assertTrue(choice.get("finish_reason").isNull());
        assertFalse(f.completion().has("usage"));
    }

    @Test
    void completionsStreamsFoldTheirText() {
        StreamFold f = new StreamFold();
        String head = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",";
        f.add(head + "\"choices\":[{\"index\":0,\"text\":\"Once\",\"finish_reason\":null}]}");
        f.add(head + "\"choices\":[{\"index\":0,\"text\":\" upon\",\"finish_reason\":\"length\"}]}");
        JsonNode c = f.completion();
        assertEquals("text_completion", c.path("object").asText());
        assertEquals("Once upon", c.path("choices").get(0).path("text").asText());
        assertEquals("length", c.path("choices").get(0).path("finish_reason").asText());
        assertEquals("Once upon", f.text());
    }

    @Test
    void severalChoicesAreFoldedApart() {
        StreamFold f = new StreamFold();
        f.add(HEAD + "\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"}},{\"index\":0,\"delta\":{\"content\":\"A\"}}]}");
        f.add(HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}");
        JsonNode choices = f.completion().path("choices");
        assertEquals("Aa", choices.get(0).path("message").path("content").asText());
        assertEquals("B", choices.get(1).path("message").path("content").asText());
        assertFalse(f.complete(), "choice 1 never finished");
    }

    @Test
    void chunksAreParsedInBatchesSoALongStreamHoldsAboutItsText() {
        StreamFold f = new StreamFold();
        String chunk = delta("{\"content\":\"x\"}");
        int n = StreamFold.BATCH_CHARS / chunk.length() + 1;
        for (int i = 0; i < n - 1; i++) f.add(chunk);
        assertEquals((long) (n - 1) * chunk.length(), f.keptChars(), "below a batch: kept as relayed");
        f.add(chunk);
        assertEquals(n, f.keptChars(), "a batch parsed: one character of text per chunk remains");
    }

    @Test
    void pastTheBoundTextIsCountedNotKept() {
        StreamFold f = new StreamFold();
        String piece = "y".repeat(64 * 1024);
        String chunk = delta("{\"content\":\"" + piece + "\"}");
        int fits = StreamFold.MAX_TEXT_CHARS / piece.length();
        for (int i = 0; i < fits + 3; i++) f.add(chunk);
        f.add(finish("stop"));
        assertEquals(3L * piece.length(), f.droppedChars());
        assertTrue(f.truncated());
        assertFalse(f.complete(), "a truncated answer is not the whole answer");
        assertEquals(StreamFold.MAX_TEXT_CHARS, f.text().length());
        assertEquals("stop", f.completion().path("choices").get(0).path("finish_reason").asText(), "folding goes on past the bound");
    }
}
