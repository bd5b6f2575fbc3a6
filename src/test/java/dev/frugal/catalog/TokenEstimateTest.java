package dev.frugal.catalog;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimate against OpenAI's real tokenizers, on snapshots of several kinds of text (src/test/resources/token-samples). */
@Tag("unit")
class TokenEstimateTest {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    @ParameterizedTest(name = "{0}: estimate / o200k in [{1}, {2}], / cl100k in [{3}, {4}]")
    @CsvSource({
            "prose.md,        0.95, 1.15, 0.95, 1.15",
            "code.java.txt,   0.95, 1.25, 0.95, 1.25",
            "data.json.txt,   0.95, 1.20, 0.95, 1.20",
            "table.csv.txt,   0.90, 1.10, 0.90, 1.10",
            "cjk.txt,         1.00, 1.45, 0.75, 1.00",  // o200k packs CJK tighter than cl100k; the estimate sits between
    })
    void closeToOpenAisTokenizers(String sample, double o200kLow, double o200kHigh, double cl100kLow, double cl100kHigh) throws IOException {
        String text = sample(sample);
        double estimate = TokenEstimate.estimate(text);
        double o200k = estimate / encoding(EncodingType.O200K_BASE).countTokensOrdinary(text);
        double cl100k = estimate / encoding(EncodingType.CL100K_BASE).countTokensOrdinary(text);
        assertTrue(o200k >= o200kLow && o200k <= o200kHigh, sample + " vs o200k: " + o200k);
        assertTrue(cl100k >= cl100kLow && cl100k <= cl100kHigh, sample + " vs cl100k: " + cl100k);
    }

    @ParameterizedTest(name = "\"{0}\" = {1}")
    @CsvSource(delimiter = '|', value = {
            "hello world | 2",
            "Hello, world! | 4",
            "antidisestablishmentarianism | 5",   // a long word: one token per ~5 letters (OpenAI's: 6)
            "1234567 | 3",                        // digits in threes
            "日本語 | 3",
            "😀 | 2",
    })
    void rules(String text, long expected) {
        assertEquals(expected, TokenEstimate.estimate(text));
    }

    @Test
    void blanks() {
        assertEquals(2, TokenEstimate.estimate("a b"), "a space belongs to the next word");
        assertEquals(3, TokenEstimate.estimate("a  \n\n  b"), "a line break with its blanks is one token");
        assertEquals(3, TokenEstimate.estimate("a        b"), "so is a long run of spaces (indentation)");
    }

    @Test
    void everyCharacterMakesProgress() {
        StringBuilder all = new StringBuilder(65_536);
        for (int c = 0; c < 65_536; c++) all.append((char) c); // controls, lone surrogates, private use…
        long t = TokenEstimate.estimate(all);
        assertTrue(t > 0 && t <= 65_536, "at most one token per character: " + t);
        assertEquals(0, TokenEstimate.estimate(null));
        assertEquals(0, TokenEstimate.estimate(""));
    }

    private static Encoding encoding(EncodingType type) { return REGISTRY.getEncoding(type); }

    private static String sample(String name) throws IOException {
        try (InputStream in = TokenEstimateTest.class.getClassLoader().getResourceAsStream("token-samples/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
