package dev.frugal.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

@Tag("unit")
class NdjsonDecoderTest {

    private static final String LF = "{\"a\":\"é\"}\n{\"b\":2}\n\n{\"c\":[1,2]}\n";
    private static final List<String> LINES = List.of("{\"a\":\"é\"}", "{\"b\":2}", "{\"c\":[1,2]}");

    private static List<String> decodeInPiecesOf(byte[] bytes, int piece) {
        List<String> out = new ArrayList<>();
        NdjsonDecoder d = new NdjsonDecoder(out::add);
        for (int i = 0; i < bytes.length; i += piece) {
            d.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + piece))));
        }
        assertNull(d.end(), "nothing left over after a final line feed");
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 64})
    void linesSplitAcrossReadsAtAnyByteAreReassembled(int piece) {
        assertEquals(LINES, decodeInPiecesOf(LF.getBytes(StandardCharsets.UTF_8), piece));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 64})
    void crlfLineEndingsAreAcceptedEvenWhenTheCrAndLfArriveApart(int piece) {
        byte[] crlf = LF.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        assertEquals(LINES, decodeInPiecesOf(crlf, piece));
    }

    @Test
    void blankAndWhitespaceOnlyLinesAreSkipped() {
        List<String> out = new ArrayList<>();
        NdjsonDecoder d = new NdjsonDecoder(out::add);
        d.feed(Buffer.buffer("\n \r\n\t\n{\"x\":1}\n"));
        assertEquals(List.of("{\"x\":1}"), out);
    }

    @Test
    void aLastLineWithoutLineFeedIsReturnedAtTheEndNotDispatched() {
        List<String> out = new ArrayList<>();
        NdjsonDecoder d = new NdjsonDecoder(out::add);
        d.feed(Buffer.buffer("{\"x\":1}\n{\"done\":"));
        assertEquals(List.of("{\"x\":1}"), out, "an unfinished line waits");
        d.feed(Buffer.buffer("true}\r"));
        assertEquals("{\"done\":true}", d.end());
        assertEquals(List.of("{\"x\":1}"), out, "the caller decides what the rest means");
        assertNull(d.end(), "returned once");
    }

    @Test
    void trailingWhitespaceIsNoLine() {
        NdjsonDecoder d = new NdjsonDecoder(line -> { });
        d.feed(Buffer.buffer("{}\n  "));
        assertNull(d.end());
    }

    @Test
    void manyLinesInOneReadAreDispatchedInOrder() {
        List<String> out = new ArrayList<>();
        new NdjsonDecoder(out::add).feed(Buffer.buffer("1\n2\n3\n"));
        assertEquals(List.of("1", "2", "3"), out);
    }
}
