package dev.frugal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Json#parse(Buffer)} reads heap buffers in place: exactly the buffer's readable bytes, wherever they sit. */
@Tag("unit")
class JsonTest {
    private static final String DOC = "{\"a\":[1,2,{\"b\":\"é\"}]}";

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void aWholeHeapBuffer() throws IOException {
        assertEquals(Json.parse(DOC), Json.parse(Buffer.buffer(DOC)));
    }

    @Test
    void aSliceReadsOnlyItsOwnBytes() throws IOException {
        // junk before and after the document in the same array: a slice has an array offset, and the junk
        // after it would fail the trailing-token check if it were read
        ByteBuf whole = Unpooled.wrappedBuffer(utf8("{\"x\":1} " + DOC + " }junk"));
        int start = utf8("{\"x\":1} ").length;
        ByteBuf slice = whole.slice(start, utf8(DOC).length);
        assertEquals(Json.parse(DOC), Json.parse(Buffer.buffer(slice)));
    }

    @Test
    void aBufferAlreadyPartlyRead() throws IOException {
        ByteBuf b = Unpooled.buffer(64).writeBytes(utf8("xx" + DOC));
        b.readerIndex(2);
        assertEquals(Json.parse(DOC), Json.parse(Buffer.buffer(b)));
    }

    @Test
    void aDirectBufferIsCopied() throws IOException {
        ByteBuf direct = Unpooled.directBuffer(64).writeBytes(utf8(DOC));
        try {
            assertEquals(Json.parse(DOC), Json.parse(Buffer.buffer(direct)));
        } finally {
            direct.release();
        }
    }

    @Test
    void malformedOrTrailingInputFails() {
        assertThrows(IOException.class, () -> Json.parse(Buffer.buffer("{\"a\":")));
        assertThrows(IOException.class, () -> Json.parse(Buffer.buffer(DOC + " {}")));
    }

    @Test
    void parsingLeavesTheBufferAsItWas() throws IOException {
        Buffer b = Buffer.buffer(DOC);
        Json.parse(b);
        assertEquals(DOC, b.toString(StandardCharsets.UTF_8));
        assertEquals(Json.parse(DOC), Json.parse(b));
    }
}
