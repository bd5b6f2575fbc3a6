package dev.frugal.cache;

import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Entries as Redis stores them: compressed above a size, read back whole, and never read past their bound. */
@Tag("unit")
class EntryCodecTest {

    static CachedAnswer entry(String body, String team) {
        return new CachedAnswer(RequestView.Kind.CHAT, Buffer.buffer(body), new Usage(12, 34, 5, 6), "chat", "openai", "gpt-4o-mini",
                1_234, 1_000, 3_601_000, team, "auto");
    }

    @Test
    void aSmallEntryIsStoredAsItIsAndReadBackWhole() throws Exception {
        CachedAnswer e = entry("{\"choices\":[]}\n", "research");
        byte[] data = EntryCodec.encode(e);
        assertEquals(EntryCodec.VERSION, data[0]);
        assertEquals(EntryCodec.RAW, data[1]);
        CachedAnswer back = EntryCodec.decode(data, 1 << 20);
        assertArrayEquals(e.body().getBytes(), back.body().getBytes(), "the body byte for byte, newline included");
        assertEquals(e.usage(), back.usage());
        assertEquals(e.model(), back.model());
        assertEquals(e.provider(), back.provider());
        assertEquals(e.upstreamModel(), back.upstreamModel());
        assertEquals(e.costMicros(), back.costMicros());
        assertEquals(e.createdMillis(), back.createdMillis());
        assertEquals(e.expiresMillis(), back.expiresMillis());
        assertEquals("research", back.team());
        assertEquals("auto", back.name());
        assertEquals(RequestView.Kind.CHAT, back.kind());
        assertNull(EntryCodec.decode(EntryCodec.encode(entry("{}", null)), 1024).team(), "a global entry has no team");
    }

    @Test
    void aLargerEntryIsCompressed() throws Exception {
        String body = "{\"choices\":[{\"message\":{\"content\":\"" + "The same sentence again. ".repeat(400) + "\"}}]}";
        byte[] data = EntryCodec.encode(entry(body, "t"));
        assertEquals(EntryCodec.DEFLATE, data[1]);
        assertTrue(data.length < body.length() / 5, "JSON text compresses well: " + data.length + " of " + body.length());
        assertEquals(body, EntryCodec.decode(data, 1 << 20).body().toString());
    }

    @Test
    void whatIsNotAnEntryIsRefused() {
        assertThrows(IOException.class, () -> EntryCodec.decode(new byte[0], 1024));
        assertThrows(IOException.class, () -> EntryCodec.decode("plain text".getBytes(), 1024), "another version");
        assertThrows(IOException.class, () -> EntryCodec.decode(new byte[] {EntryCodec.VERSION, 9, 1, 2}, 1024), "unknown codec");
        assertThrows(IOException.class, () -> EntryCodec.decode(new byte[] {EntryCodec.VERSION, EntryCodec.DEFLATE, 1, 2, 3}, 1024),
                "corrupt deflate data");
        byte[] noFields = {EntryCodec.VERSION, EntryCodec.RAW, '{', '}'};
        assertThrows(IOException.class, () -> EntryCodec.decode(noFields, 1024), "no field line");
    }

    @Test
    void aValueThatWouldInflatePastTheBoundIsRefusedBeforeItIsAllInMemory() {
        byte[] bomb = new byte[64 << 20]; // 64 MiB of zeros deflate to ~64 KiB
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(bomb);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(EntryCodec.VERSION);
        out.write(EntryCodec.DEFLATE);
        byte[] buf = new byte[8192];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        IOException e = assertThrows(IOException.class, () -> EntryCodec.decode(out.toByteArray(), 1 << 20));
        assertTrue(e.getMessage().contains("past the limit"), e.getMessage());
    }
}
