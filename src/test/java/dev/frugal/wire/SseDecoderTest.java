package dev.frugal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class SseDecoderTest {

    /** One dispatched event; {@code event} is null when the stream named none. */
    record Ev(String event, String data) {}

    /** A stream exercising every feature, written with LF; the other line endings are derived from it. */
    private static final String STREAM_LF = String.join("\n",
            ": keep-alive",
            "",
            "data: {\"a\":1}",
            "",
            "",
            "event: ping",
            "data: {\"b\":2}",
            "",
            "data: first",
            "data: second",
            "data:third",
            "id: 7",
            "retry: 1000",
            "",
            "data: héllo wörld ✓ 🙂",
            "",
            "data: [DONE]",
            "", "");

    private static final List<Ev> EXPECTED = List.of(
            new Ev(null, "{\"a\":1}"),
            new Ev("ping", "{\"b\":2}"),
            new Ev(null, "first\nsecond\nthird"),
            new Ev(null, "héllo wörld ✓ 🙂"),
            new Ev(null, "[DONE]"));

    static Stream<Arguments> lineEndings() {
        return Stream.of(
                Arguments.of("LF", STREAM_LF),
                Arguments.of("CRLF", STREAM_LF.replace("\n", "\r\n")),
                Arguments.of("CR", STREAM_LF.replace("\n", "\r")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineEndings")
    void decodesTheSameEventsWhateverTheLineEnding(String name, String stream) {
        Recorder r = new Recorder();
        r.decoder.feed(buffer(bytes(stream)));
        assertEquals(EXPECTED, r.events);
        assertFalse(r.decoder.hasIncompleteEvent());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineEndings")
    void splittingTheStreamAtAnyByteBoundaryGivesTheSameEvents(String name, String stream) {
        byte[] all = bytes(stream);
        for (int cut = 0; cut <= all.length; cut++) {
            Recorder r = new Recorder();
            r.decoder.feed(buffer(Arrays.copyOfRange(all, 0, cut)));
            r.decoder.feed(buffer(Arrays.copyOfRange(all, cut, all.length)));
            assertEquals(EXPECTED, r.events, name + " split at byte " + cut);
            assertFalse(r.decoder.hasIncompleteEvent(), name + " split at byte " + cut);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineEndings")
    void feedingOneByteAtATimeGivesTheSameEvents(String name, String stream) {
        Recorder r = new Recorder();
        for (byte b : bytes(stream)) r.decoder.feed(buffer(new byte[] {b}));
        assertEquals(EXPECTED, r.events);
        assertFalse(r.decoder.hasIncompleteEvent());
    }

    /** The word-at-a-time search finds what a byte-by-byte one does, wherever the range starts and ends. */
    @Test
    void theLineEndSearchFindsTheFirstLineEndingOfAnyRange() {
        java.util.Random random = new java.util.Random(15);
        byte[] alphabet = {'\n', '\r', 'a', 0, 0x0B, 0x0C, 0x0E, 0x09, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF, (byte) 0x80, 0x01};
        for (int round = 0; round < 2_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            int density = 1 + random.nextInt(30); // from every byte a candidate to none in sight
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(density) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('b' + random.nextInt(20));
            }
            for (int from = 0; from <= bytes.length; from++) {
                for (int to = from; to <= bytes.length; to++) {
                    int expected = -1;
                    for (int i = from; i < to && expected < 0; i++) if (bytes[i] == '\n' || bytes[i] == '\r') expected = i;
                    assertEquals(expected, SseDecoder.nextLineEnd(bytes, from, to), () -> Arrays.toString(bytes));
                }
            }
        }
    }

    /** Events of every length around the search's eight-byte words, any line endings, cut anywhere: decoded whole. */
    @Test
    void randomEventsAcrossWordsAndCutsDecodeToWhatWasSent() {
        java.util.Random random = new java.util.Random(7);
        String[] endings = {"\n", "\r\n", "\r"};
        for (int round = 0; round < 300; round++) {
            StringBuilder stream = new StringBuilder();
            List<Ev> expected = new ArrayList<>();
            for (int e = 0, n = 1 + random.nextInt(6); e < n; e++) {
                String eol = endings[random.nextInt(endings.length)];
                String name = random.nextInt(3) == 0 ? "ev" + e : null;
                String data = "x".repeat(random.nextInt(20)) + "é" + "y".repeat(random.nextInt(20));
                if (name != null) stream.append("event: ").append(name).append(eol);
                if (random.nextBoolean()) stream.append(": keep-alive").append(eol);
                stream.append("data: ").append(data).append(eol).append(eol);
                expected.add(new Ev(name, data));
            }
            byte[] all = bytes(stream.toString());
            Recorder r = new Recorder();
            int at = 0;
            while (at < all.length) {
                int next = Math.min(all.length, at + random.nextInt(24));
                r.decoder.feed(buffer(Arrays.copyOfRange(all, at, next)));
                at = next;
            }
            assertEquals(expected, r.events, stream.toString());
            assertFalse(r.decoder.hasIncompleteEvent());
        }
    }

    @Test
    void multibyteCharacterSplitInsideItsBytesIsDecodedWhole() {
        byte[] all = bytes("data: 🙂\n\n"); // the emoji is 4 bytes at offsets 6..9
        for (int cut = 7; cut <= 9; cut++) {
            Recorder r = new Recorder();
            r.decoder.feed(buffer(Arrays.copyOfRange(all, 0, cut)));
            r.decoder.feed(buffer(Arrays.copyOfRange(all, cut, all.length)));
            assertEquals(List.of(new Ev(null, "🙂")), r.events, "split at byte " + cut);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"data: x\n\n", "data:x\n\n", "data:x\r\n\r\n"})
    void dataWithOrWithoutTheSpaceAfterTheColon(String stream) {
        assertEquals(List.of(new Ev(null, "x")), decode(stream));
    }

    @Test
    void onlyOneLeadingSpaceIsRemovedFromAValue() {
        assertEquals(List.of(new Ev(null, "  indented")), decode("data:   indented\n\n"));
    }

    @Test
    void dataLineWithoutColonIsAnEmptyDataLine() {
        assertEquals(List.of(new Ev(null, "\nx")), decode("data\ndata: x\n\n"));
    }

    @Test
    void eventNameAppliesToOneEventOnly() {
        assertEquals(List.of(new Ev("error", "{}"), new Ev(null, "{}")),
                decode("event: error\ndata: {}\n\ndata: {}\n\n"));
    }

    @Test
    void eventWithoutDataIsNotDispatchedAndItsNameDoesNotLeak() {
        assertEquals(List.of(new Ev(null, "x")), decode("event: ping\n\ndata: x\n\n"));
    }

    @Test
    void commentsAndBlankKeepAliveLinesProduceNoEvents() {
        assertEquals(List.of(), decode(": keep-alive\n\n\n\n: OPENROUTER PROCESSING\r\n\r\n\r\r"));
    }

    @Test
    void commentBetweenDataLinesDoesNotBreakTheEvent() {
        assertEquals(List.of(new Ev(null, "a\nb")), decode("data: a\n: keep-alive\ndata: b\n\n"));
    }

    @Test
    void streamCutInTheMiddleOfALineHasAnIncompleteEvent() {
        Recorder r = new Recorder();
        r.decoder.feed(Buffer.buffer("data: {\"a\":1}\n\ndata: {\"b\""));
        assertEquals(List.of(new Ev(null, "{\"a\":1}")), r.events);
        assertTrue(r.decoder.hasIncompleteEvent());
    }

    @Test
    void streamCutAfterADataLineButBeforeTheBlankLineHasAnIncompleteEvent() {
        Recorder r = new Recorder();
        r.decoder.feed(Buffer.buffer("data: {\"b\":2}\n"));
        assertEquals(List.of(), r.events);
        assertTrue(r.decoder.hasIncompleteEvent());
    }

    @Test
    void streamCutAfterAnEventNameHasAnIncompleteEvent() {
        Recorder r = new Recorder();
        r.decoder.feed(Buffer.buffer("event: error\n"));
        assertTrue(r.decoder.hasIncompleteEvent());
    }

    @Test
    void noIncompleteEventBeforeAnyByteOrAfterACompleteEventOrAComment() {
        Recorder r = new Recorder();
        assertFalse(r.decoder.hasIncompleteEvent());
        r.decoder.feed(Buffer.buffer("data: x\n\n"));
        assertFalse(r.decoder.hasIncompleteEvent());
        r.decoder.feed(Buffer.buffer(": keep-alive\n"));
        assertFalse(r.decoder.hasIncompleteEvent());
    }

    @Test
    void emptyChunksChangeNothing() {
        Recorder r = new Recorder();
        r.decoder.feed(Buffer.buffer());
        r.decoder.feed(Buffer.buffer("data: x\r"));
        r.decoder.feed(Buffer.buffer());
        r.decoder.feed(Buffer.buffer("\n\r\n"));
        assertEquals(List.of(new Ev(null, "x")), r.events);
        assertFalse(r.decoder.hasIncompleteEvent());
    }

    @Test
    void aBufferIsReadFromItsOwnBytesWhetherAViewIntoAnArrayOrOffTheHeap() {
        byte[] all = bytes("GARBAGE" + STREAM_LF + "MORE");
        int from = "GARBAGE".length();
        int length = bytes(STREAM_LF).length;
        Recorder view = new Recorder(); // read in place: the array is larger than the buffer and starts before it
        view.decoder.feed(Buffer.buffer(Unpooled.wrappedBuffer(all, from, length)));
        assertEquals(EXPECTED, view.events);
        Recorder direct = new Recorder(); // no array behind it: read from a copy
        ByteBuf d = Unpooled.directBuffer(length).writeBytes(all, from, length);
        direct.decoder.feed(Buffer.buffer(d));
        assertEquals(EXPECTED, direct.events);
        assertFalse(view.decoder.hasIncompleteEvent());
    }

    // ---- helpers -------------------------------------------------------------------------

    private static final class Recorder {
        final List<Ev> events = new ArrayList<>();
        final SseDecoder decoder = new SseDecoder((event, data) -> events.add(new Ev(event, data)));
    }

    private static List<Ev> decode(String stream) {
        Recorder r = new Recorder();
        r.decoder.feed(Buffer.buffer(stream));
        return r.events;
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static Buffer buffer(byte[] b) { return Buffer.buffer(b); }
}
