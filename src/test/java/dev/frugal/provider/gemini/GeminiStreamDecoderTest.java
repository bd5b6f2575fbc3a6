package dev.frugal.provider.gemini;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class GeminiStreamDecoderTest {
    private final List<String> docs = new ArrayList<>();
    private final GeminiStreamDecoder decoder = new GeminiStreamDecoder(docs::add);

    private void feed(String... pieces) {
        for (String p : pieces) decoder.feed(Buffer.buffer(p));
    }

    @Test
    void dataEventsEndWithABlankLineWhateverTheLineEnding() {
        feed("data: {\"a\":1}\r\n\r\n", "data: {\"b\":2}\n\n", "data: {\"c\":3}\r\r");
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"), docs);
        assertFalse(decoder.hasIncompleteEvent());
    }

    @Test
    void aCrlfSplitBetweenReadsIsOneLineEnding() {
        feed("data: {\"a\":1}\r", "\n\r", "\n");
        assertEquals(List.of("{\"a\":1}"), docs);
    }

    @Test
    void repeatedDataLinesAreJoinedAndCommentsSkipped() {
        feed(": keep-alive\n", "data: {\"a\":\n", "data: 1}\n\n");
        assertEquals(List.of("{\"a\":\n1}"), docs);
    }

    @Test
    void rawJsonIsCollectedUntilItsBracketsBalanceIgnoringBracketsInStrings() {
        feed("{\n  \"error\": {\n    \"message\": \"a } inside \\\" quotes {\",\n", "    \"code\": 503\n  }\n}\n");
        assertEquals(1, docs.size());
        assertTrue(docs.get(0).startsWith("{\n  \"error\""), docs.get(0));
        assertTrue(docs.get(0).endsWith("}"), docs.get(0));
        assertFalse(decoder.hasIncompleteEvent());
    }

    @Test
    void anArrayWrappedErrorIsOneDocument() {
        feed("[{\n  \"error\": {\"code\": 429}\n}\n]\n");
        assertEquals(List.of("[{\n  \"error\": {\"code\": 429}\n}\n]"), docs);
    }

    @Test
    void aBodyCutInsideAnEventOrRawJsonIsIncomplete() {
        feed("data: {\"a\":1}\r\n");
        assertTrue(decoder.hasIncompleteEvent(), "data line without its blank line");
        GeminiStreamDecoder other = new GeminiStreamDecoder(docs::add);
        other.feed(Buffer.buffer("{\n  \"error\": {\n"));
        assertTrue(other.hasIncompleteEvent(), "raw JSON whose braces never closed");
        GeminiStreamDecoder third = new GeminiStreamDecoder(docs::add);
        third.feed(Buffer.buffer("data: {\"a\""));
        assertTrue(third.hasIncompleteEvent(), "a line that never ended");
    }

    @Test
    void multiByteCharactersSplitAcrossReadsSurvive() {
        byte[] bytes = "data: {\"t\":\"héllo ✓\"}\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) decoder.feed(Buffer.buffer(new byte[]{b}));
        assertEquals(List.of("{\"t\":\"héllo ✓\"}"), docs);
    }
}
