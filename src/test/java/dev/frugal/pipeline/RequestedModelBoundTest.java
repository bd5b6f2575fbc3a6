package dev.frugal.pipeline;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A requested model name, as the ledger keeps it: bounded, printable, valid UTF-16. */
@Tag("unit")
class RequestedModelBoundTest {

    @Test
    void aNameIsKeptAsSentUpToTheBound() {
        assertEquals("gpt-4o-mini", Exchange.bounded("gpt-4o-mini"));
        assertEquals("", Exchange.bounded(null));
        String max = "m".repeat(Exchange.MAX_MODEL_CHARS);
        assertEquals(max, Exchange.bounded(max));
    }

    @Test
    void aLongerNameIsCutWithAnEllipsis() {
        String cut = Exchange.bounded("m".repeat(1_000_000));
        assertEquals(Exchange.MAX_MODEL_CHARS, cut.length());
        assertEquals("m".repeat(Exchange.MAX_MODEL_CHARS - 1) + "…", cut);
    }

    @Test
    void controlCharactersAndLoneSurrogatesBecomeQuestionMarks() {
        assertEquals("a?b?c", Exchange.bounded("a\nb\u0000c"));
        assertEquals("x?y", Exchange.bounded("x\ud800y"));
        assertEquals("emoji \ud83d\ude00", Exchange.bounded("emoji \ud83d\ude00"), "a pair is kept");
        String split = "m".repeat(Exchange.MAX_MODEL_CHARS - 2) + "\ud83d\ude00"; // the cut falls inside the pair
        assertEquals("m".repeat(Exchange.MAX_MODEL_CHARS - 2) + "?…", Exchange.bounded(split + "tail"));
    }
}
