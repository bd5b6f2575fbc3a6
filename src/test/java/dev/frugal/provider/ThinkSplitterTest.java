package dev.frugal.provider;

import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.provider.ThinkSplitter.Parts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.frugal.config.ModelConfig.Reasoning.PASS;
import static dev.frugal.config.ModelConfig.Reasoning.SPLIT;
import static dev.frugal.config.ModelConfig.Reasoning.STRIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code <think>} splitter of provider-protocols.md §7.3, whole and cut into chunks at every position. */
@Tag("unit")
class ThinkSplitterTest {

    /** One case: the model's text, the deployment's settings, and the reasoning/content it must give. */
    record Case(String name, String text, Reasoning mode, boolean prefilled, String reasoning, String content) {
        @Override public String toString() { return name; }
    }

    static final List<Case> CASES = List.of(
            new Case("tags, then the answer after trimmed whitespace", "<think>\nLet me see.\n</think>\n\nThe answer is 4.",
                    SPLIT, false, "\nLet me see.\n", "The answer is 4."),
            new Case("whitespace before the opening tag is dropped", "  \n<think>a</think>b", SPLIT, false, "a", "b"),
            new Case("empty thinking", "<think>\n\n</think>\n\nHi", SPLIT, false, "\n\n", "Hi"),
            new Case("no tags: plain answer untouched", "  Hello <think>not reasoning</think>", SPLIT, false,
                    "", "  Hello <think>not reasoning</think>"),
            new Case("a later opening tag is answer text", "Sure. <think>x</think> y", SPLIT, false, "", "Sure. <think>x</think> y"),
            new Case("a second closing tag stays in the answer", "<think>r</think>a</think>b", SPLIT, false, "r", "a</think>b"),
            new Case("look-alike of the opening tag", "<thinking>no</thinking>", SPLIT, false, "", "<thinking>no</thinking>"),
            new Case("look-alike of the closing tag inside reasoning", "<think>a </thin k> b</think>c", SPLIT, false,
                    "a </thin k> b", "c"),
            new Case("answer that is only the start of a tag", "<thi", SPLIT, false, "", "<thi"),
            new Case("only whitespace", " \n ", SPLIT, false, "", " \n "),
            new Case("no closing tag: cut off while thinking, stays reasoning", "<think>still going", SPLIT, false,
                    "still going", ""),
            new Case("no closing tag, ends in half a tag", "<think>still </thi", SPLIT, false, "still </thi", ""),
            new Case("prefilled: no opening tag, reasoning until </think>", "I should add.\n</think>\n\n4", SPLIT, true,
                    "I should add.\n", "4"),
            new Case("prefilled but the model opened the tag anyway", "<think>hm</think> ok", SPLIT, true, "hm", "ok"),
            new Case("prefilled and never closed: it was answer text", "Just an answer.", SPLIT, true, "", "Just an answer."),
            new Case("prefilled, opened by the model, never closed: reasoning", "<think>cut", SPLIT, true, "cut", ""),
            new Case("prefilled, only whitespace after </think>", "r</think>\n\n", SPLIT, true, "r", ""),
            new Case("prefilled and never closed, STRIP keeps the answer", "Answer.", STRIP, true, "", "Answer."),
            new Case("STRIP drops reasoning", "<think>secret</think>\nvisible", STRIP, false, "", "visible"),
            new Case("STRIP, prefilled", "secret</think>visible", STRIP, true, "", "visible"),
            new Case("PASS leaves the tags in the content", "<think>r</think>\n\na", PASS, false, "", "<think>r</think>\n\na"),
            new Case("PASS ignores the prefill setting", "r</think>a", PASS, true, "", "r</think>a"),
            new Case("text after </think> keeps its inner whitespace", "<think>r</think>\n a \n b ", SPLIT, false, "r", "a \n b "),
            new Case("unicode around the tags", "<think>ü🙂</think>→é", SPLIT, false, "ü🙂", "→é"));

    static Stream<Case> cases() { return CASES.stream(); }

    static Stream<Arguments> casesAndCuts() {
        List<Arguments> all = new ArrayList<>();
        for (Case c : CASES) for (int cut = 0; cut <= c.text().length(); cut++) all.add(Arguments.of(c, cut));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aWholeMessageIsSplit(Case c) {
        Parts p = ThinkSplitter.split(c.text(), c.mode(), c.prefilled());
        assertEquals(c.reasoning(), p.reasoning(), "reasoning");
        assertEquals(c.content(), p.content(), "content");
    }

    /** Every position of a two-chunk cut, so every tag is split at every character somewhere. */
    @ParameterizedTest(name = "{0} cut at {1}")
    @MethodSource("casesAndCuts")
    void aCutAnywhereGivesTheSameResult(Case c, int cut) {
        Parts p = feedAll(new ThinkSplitter(c.mode(), c.prefilled()), c.text().substring(0, cut), c.text().substring(cut));
        assertEquals(c.reasoning(), p.reasoning(), "reasoning");
        assertEquals(c.content(), p.content(), "content");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneCharacterAtATimeGivesTheSameResult(Case c) {
        String[] chars = c.text().codePoints().mapToObj(Character::toString).toArray(String[]::new);
        Parts p = feedAll(new ThinkSplitter(c.mode(), c.prefilled()), chars);
        assertEquals(c.reasoning(), p.reasoning(), "reasoning");
        assertEquals(c.content(), p.content(), "content");
    }

    @Test
    void reasoningIsReleasedAsItStreamsHoldingBackAtMostSevenCharacters() {
        ThinkSplitter s = new ThinkSplitter(SPLIT, false);
        assertSame(Parts.EMPTY, s.feed("<thi"), "could still be a tag");
        assertEquals(Parts.EMPTY, s.feed("nk>"));
        assertEquals(new Parts("The user asks", ""), s.feed("The user asks"));
        assertEquals(new Parts(" about", ""), s.feed(" about</"), "'</' might open the closing tag");
        assertEquals(new Parts("</maths", ""), s.feed("maths"), "it did not");
        assertEquals(new Parts(".", ""), s.feed(".</think"), "'</think' (7 characters) held back");
        assertEquals(Parts.EMPTY, s.feed(">\n\n"), "closing tag and the whitespace after it");
        assertFalse(s.settled());
        assertEquals(new Parts("", "It is"), s.feed("It is"));
        assertTrue(s.settled());
        assertEquals(new Parts("", " 4 <think>"), s.feed(" 4 <think>"), "settled: passed on unchanged");
        assertSame(Parts.EMPTY, s.finish());
    }

    @Test
    void anAnswerWithoutTagsSettlesOnItsFirstText() {
        ThinkSplitter s = new ThinkSplitter(SPLIT, false);
        assertEquals(Parts.EMPTY, s.feed("\n "), "leading whitespace waits for the first text");
        assertEquals(new Parts("", "\n Hello"), s.feed("Hello"));
        assertTrue(s.settled());
    }

    @Test
    void prefilledReasoningIsHeldUntilTheClosingTagDecides() {
        ThinkSplitter s = new ThinkSplitter(SPLIT, true);
        assertSame(Parts.EMPTY, s.feed("Okay, "));
        assertSame(Parts.EMPTY, s.feed("so 2+2"));
        assertEquals(new Parts("Okay, so 2+2", "4"), s.feed("</think>\n\n4"));
        assertTrue(s.settled());
    }

    @Test
    void passModeIsSettledFromTheStart() {
        ThinkSplitter s = new ThinkSplitter(PASS, true);
        assertTrue(s.settled());
        assertEquals(new Parts("", "<think>"), s.feed("<think>"));
    }

    @Test
    void emptyAndNullFragmentsAreNothing() {
        ThinkSplitter s = new ThinkSplitter(SPLIT, false);
        assertSame(Parts.EMPTY, s.feed(""));
        assertSame(Parts.EMPTY, s.feed(null));
        assertSame(Parts.EMPTY, s.finish());
    }

    private static Parts feedAll(ThinkSplitter s, String... chunks) {
        StringBuilder r = new StringBuilder();
        StringBuilder c = new StringBuilder();
        for (String chunk : chunks) {
            Parts p = s.feed(chunk);
            r.append(p.reasoning());
            c.append(p.content());
        }
        Parts last = s.finish();
        r.append(last.reasoning());
        c.append(last.content());
        return new Parts(r.toString(), c.toString());
    }
}
