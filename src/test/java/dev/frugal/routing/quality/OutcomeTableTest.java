package dev.frugal.routing.quality;

import dev.frugal.core.Price;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class OutcomeTableTest {
    private static final List<String> AB = List.of("cheap", "strong");

    @Test
    void readsPromptsScoresAndCostsByColumnNameIgnoringOtherColumns() {
        OutcomeTable t = OutcomeTable.parse("id,Strong_Correct,prompt,cheap_correct,cheap_cost_usd,notes\r\n"
                + "1,1,\"What is 2+2?\nAnswer briefly, please.\",0,0.000123,x\r\n"
                + "2,0.75,\"quoted \"\"word\"\"\",1,,y\r\n", AB);

        assertEquals(2, t.size());
        assertEquals(AB, t.candidates());
        assertEquals("What is 2+2?\nAnswer briefly, please.", t.prompt(0));
        assertEquals(2, t.line(0));
        assertEquals(4, t.line(1), "the first record spans lines 2 and 3");
        assertEquals("quoted \"word\"", t.prompt(1));
        assertEquals(0.0, t.score(0, 0));
        assertEquals(1.0, t.score(0, 1));
        assertEquals(1.0, t.score(1, 0));
        assertEquals(0.75, t.score(1, 1));
        assertEquals(123_000, t.costNanos(0, 0));
        assertEquals(OutcomeTable.UNKNOWN, t.costNanos(1, 0), "an empty cost cell is unknown");
        assertEquals(OutcomeTable.UNKNOWN, t.costNanos(0, 1), "no cost column");
    }

    @Test
    void aRowWithoutACostIsPricedFromItsTokensOrThePromptsEstimate() {
        OutcomeTable t = OutcomeTable.parse("prompt,cheap_correct,cheap_cost_usd,strong_correct,strong_est_input_tokens,strong_output_tokens\n"
                + "abcdefgh,1,0.5,1,1000,100\n"
                + "abcdefgh,1,0.25,1,,200\n", AB);
        Price price = Price.of(Price.Source.CONFIG, 1_000_000, 1_000_000, 2_000_000); // $1 in, $2 out per million tokens
        long[] costs = t.costsNanos(Arrays.asList(null, price), text -> text.length() / 4);

        assertEquals(500_000_000, costs[0], "the table's own cost");
        assertEquals(1000 * 1000 + 100 * 2000, costs[1], "1000 tokens in and 100 out, in nano-USD");
        assertEquals(250_000_000, costs[2]);
        assertEquals(2 * 1000 + 200 * 2000, costs[3], "no input count: the prompt's estimate, 8 characters ÷ 4");
    }

    @Test
    void aRowWithNeitherCostNorPriceIsNamed() {
        OutcomeTable t = OutcomeTable.parse("prompt,cheap_correct,cheap_cost_usd,strong_correct,strong_cost_usd\n"
                + "a,1,0.5,1,1\nb,1,,1,1\n", AB);
        Price price = Price.of(Price.Source.CONFIG, 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.costsNanos(Arrays.asList(price, null), text -> 1));
        assertEquals("row 2 (line 3) has no cost for cheap: give cheap_cost_usd, or a price and cheap_output_tokens", e.getMessage());
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of("prompt,cheap_correct,strong_correct\nhi,yes,1\n",
                        "row 1 (line 2), column 'cheap_correct': 'yes' is not 0, 1 or a score from 0 to 1"),
                Arguments.of("prompt,cheap_correct,strong_correct\nhi,1,1.5\n",
                        "row 1 (line 2), column 'strong_correct': '1.5' is not 0, 1 or a score from 0 to 1"),
                Arguments.of("prompt,cheap_correct,strong_correct\nhi,NaN,1\n",
                        "row 1 (line 2), column 'cheap_correct': 'NaN' is not 0, 1 or a score from 0 to 1"),
                Arguments.of("prompt,cheap_correct,strong_correct\nhi,,1\n",
                        "row 1 (line 2), column 'cheap_correct': '' is not 0, 1 or a score from 0 to 1"),
                Arguments.of("prompt,cheap_correct,strong_correct\n  ,1,1\n",
                        "row 1 (line 2), column 'prompt': the prompt is blank"),
                Arguments.of("prompt,cheap_correct,strong_correct\nhi,1\n",
                        "row 1 (line 2): 2 fields, but the header has 3"),
                Arguments.of("prompt,cheap_correct\nhi,1\n",
                        "line 1: no column 'strong_correct'"),
                Arguments.of("text,cheap_correct,strong_correct\nhi,1,1\n",
                        "line 1: no column 'prompt'"),
                Arguments.of("prompt,cheap_correct,strong_correct,Cheap_Correct\nhi,1,1,0\n",
                        "line 1: column 'cheap_correct' appears twice"),
                Arguments.of("prompt,cheap_correct,strong_correct,cheap_cost_usd\nhi,1,1,-0.1\n",
                        "row 1 (line 2), column 'cheap_cost_usd': '-0.1' is not a cost in USD"),
                Arguments.of("prompt,cheap_correct,strong_correct,strong_output_tokens\nhi,1,1,many\n",
                        "row 1 (line 2), column 'strong_output_tokens': 'many' is not a token count"),
                Arguments.of("prompt,cheap_correct,strong_correct\n",
                        "no rows under the header"),
                Arguments.of("",
                        "the table is empty: give a header row (prompt, <candidate>_correct, …) and a row per prompt"),
                Arguments.of("prompt,cheap_correct,strong_correct\n\"open,1,1\n",
                        "line 2: a quoted field is never closed"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("problems")
    void everyProblemNamesItsRowAndColumn(String csv, String problem) {
        InvalidOutcomes e = assertThrows(InvalidOutcomes.class, () -> OutcomeTable.parse(csv, AB));
        assertEquals(List.of(problem), e.problems());
        assertEquals("The outcome table has a problem: " + problem + ".", e.getMessage());
    }

    @Test
    void unusedColumnsMayRepeatAndCandidateNamesIgnoreCase() {
        OutcomeTable t = OutcomeTable.parse("notes,PROMPT,notes,cheap_correct,STRONG_correct\nx,hi,y,1,-0\nx,hi,y, 1.0 ,1e-1\n",
                List.of("Cheap", "strong"));
        assertEquals(1.0, t.score(0, 0));
        assertEquals(0.0, t.score(0, 1));
        assertEquals(1.0, t.score(1, 0));
        assertEquals(0.1, t.score(1, 1), 1e-12);
    }

    @Test
    void manyProblemsAreCountedButOnlyTheFirstListed() {
        StringBuilder csv = new StringBuilder("prompt,cheap_correct,strong_correct\n");
        for (int i = 0; i < 30; i++) csv.append("p,2,1\n");
        InvalidOutcomes e = assertThrows(InvalidOutcomes.class, () -> OutcomeTable.parse(csv.toString(), AB));
        assertEquals(30, e.count());
        assertEquals(OutcomeTable.MAX_PROBLEMS, e.problems().size());
        assertTrue(e.getMessage().startsWith("The outcome table has 30 problems: row 1 (line 2), column 'cheap_correct'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; and 10 more."), e.getMessage());
    }

    @Test
    void theCandidatesMustBeDistinctAndPresent() {
        assertThrows(IllegalArgumentException.class, () -> OutcomeTable.parse("prompt,a_correct\nx,1\n", List.of()));
        assertThrows(IllegalArgumentException.class, () -> OutcomeTable.parse("prompt,a_correct\nx,1\n", List.of("a", "A")));
    }

    @Test
    void rowsMakeASubTableInTheOrderGiven() {
        OutcomeTable t = OutcomeTable.parse("prompt,cheap_correct,strong_correct,cheap_cost_usd\n"
                + "p0,0,1,0.1\np1,1,0,0.2\np2,1,1,0.3\n", AB);
        OutcomeTable sub = t.rows(new int[] {2, 0});
        assertEquals(List.of("p2", "p0"), sub.prompts());
        assertEquals(4, sub.line(0));
        assertArrayEquals(new double[] {1, 1, 0, 1}, new double[] {sub.score(0, 0), sub.score(0, 1), sub.score(1, 0), sub.score(1, 1)});
        assertEquals(300_000_000, sub.costNanos(0, 0));
    }
}
