package dev.frugal.cache;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replayed text in pieces: whole again when joined, never cut inside a character. (The stream as a whole: pipeline.ReplayTest.) */
@Tag("unit")
class ReplayPiecesTest {

    @Test
    void piecesNeverSplitASurrogatePair() {
        String s = "a" + "🎉".repeat(200);
        List<String> pieces = Replay.pieces(s);
        assertEquals(s, String.join("", pieces));
        for (String p : pieces) {
            assertTrue(p.length() <= Replay.PIECE_CHARS);
            assertFalse(Character.isHighSurrogate(p.charAt(p.length() - 1)), "a piece ends inside a pair");
            assertFalse(Character.isLowSurrogate(p.charAt(0)), "a piece starts inside a pair");
        }
        assertEquals(List.of(), Replay.pieces(""), "no text, no piece");
    }
}
