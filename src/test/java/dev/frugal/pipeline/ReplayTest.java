package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.cache.Replay;
import dev.frugal.core.CanonicalJson;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChunkStream;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stored answer replayed as a stream folds back into the same answer: content, reasoning, tool
 * calls, finish reasons and usage. The stream the edge writes: role chunk first, the usage chunk
 * only when asked for, and back-pressure honoured.
 */
@Tag("unit")
class ReplayTest {
    private static final String LONG = "Ünïcödé 🎉 text that is longer than one piece. ".repeat(12);
    private static final String CHAT = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1",
             "choices":[
              {"index":0,"message":{"role":"assistant","content":"%s","reasoning_content":"Let me think."},"finish_reason":"stop"},
              {"index":1,"message":{"role":"assistant","content":null,"tool_calls":[
                 {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                 {"id":"call_b","type":"function","function":{"name":"get_time","arguments":"%s"}}]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":20,"completion_tokens":30,"total_tokens":50,"prompt_tokens_details":{"cached_tokens":4}}}
            """.formatted(LONG, "{\\\"tz\\\":\\\"" + "x".repeat(300) + "\\\"}");

    @Test
    void aChatAnswerFoldsBackIntoItself() throws Exception {
        JsonNode original = Json.parse(CHAT);
        List<String> chunks = Replay.chunks(original, true);
        StreamFold fold = new StreamFold();
        chunks.forEach(fold::add);
        assertTrue(fold.complete());
        assertEquals(canonical(original), canonical(fold.completion()), "content, reasoning, tool calls, finish reasons, usage, ids");
        assertTrue(chunks.size() > 8, "content and arguments in pieces: " + chunks.size());
    }

    @Test
    void theFirstChunkOfEachChoiceCarriesTheRoleAndTheUsageChunkComesLastWhenAsked() throws Exception {
        List<String> chunks = Replay.chunks(Json.parse(CHAT), true);
        JsonNode first = Json.parse(chunks.get(0));
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("chatcmpl-1", first.get("id").asText());
        JsonNode last = Json.parse(chunks.get(chunks.size() - 1));
        assertEquals(0, last.get("choices").size());
        assertEquals(50, last.at("/usage/total_tokens").asInt());
        List<String> without = Replay.chunks(Json.parse(CHAT), false);
        assertEquals(chunks.size() - 1, without.size());
        for (String c : without) assertFalse(Json.parse(c).has("usage"), "no usage chunk unless stream_options.include_usage");
    }

    @Test
    void aTextCompletionReplaysAsTextPieces() throws Exception {
        JsonNode original = Json.parse("""
                {"id":"cmpl-1","object":"text_completion","created":1,"model":"m",
                 "choices":[{"index":0,"text":"%s","finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}
                """.formatted(LONG));
        StreamFold fold = new StreamFold();
        Replay.chunks(original, true).forEach(fold::add);
        assertEquals(canonical(original), canonical(fold.completion()));
    }

    /** Equal JSON whatever the number types (a parsed 1 is an int, a folded one a long). */
    private static String canonical(JsonNode n) {
        return CanonicalJson.of(n, java.util.Set.of());
    }

    @Test
    void aReplayStopsWhenPausedAndGoesOnWhenResumed() {
        ReplayStream stream = new ReplayStream(List.of("1", "2", "3", "4"), new Usage(1, 2, 0, 0));
        List<String> got = new ArrayList<>();
        boolean[] ended = {false};
        stream.start(new ChunkStream.Handler() {
            @Override public void onChunk(String json) {
                got.add(json);
                if (got.size() == 2) stream.pause();
            }

            @Override public void onEnd() { ended[0] = true; }

            @Override public void onError(Throwable failure) { throw new AssertionError(failure); }
        });
        assertEquals(List.of("1", "2"), got);
        assertFalse(ended[0]);
        stream.resume();
        assertEquals(List.of("1", "2", "3", "4"), got);
        assertTrue(ended[0]);
        assertEquals(new Usage(1, 2, 0, 0), stream.usage());
        assertEquals(4, stream.chunksDelivered());
    }

    @Test
    void aCancelledReplayEndsWithoutItsEnd() {
        ReplayStream stream = new ReplayStream(List.of("1", "2", "3"), Usage.NONE);
        List<String> got = new ArrayList<>();
        boolean[] ended = {false};
        stream.start(new ChunkStream.Handler() {
            @Override public void onChunk(String json) {
                got.add(json);
                stream.cancel();
            }

            @Override public void onEnd() { ended[0] = true; }

            @Override public void onError(Throwable failure) { throw new AssertionError(failure); }
        });
        assertEquals(List.of("1"), got);
        assertFalse(ended[0]);
    }
}
