package dev.frugal.core;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Tag("unit")
class PriceTest {

    @ParameterizedTest(name = "prompt {0} (cached {1}) + completion {2} at {3}/{4}/{5} = {6} micro-USD")
    @CsvSource({
            // prompt, cached, completion, input, cachedInput, output (micro-USD per Mtok), expected micro-USD
            "1000, 0, 500, 150000, 75000, 600000, 450",        // gpt-4o-mini: 150 + 300, exactly
            "1000, 400, 0, 150000, 75000, 600000, 120",        // 600 x 0.15 + 400 x 0.075
            "1000, 1000, 0, 150000, 75000, 600000, 75",        // all from the prompt cache
            "0, 0, 0, 150000, 75000, 600000, 0",
            "1, 0, 0, 500000, 500000, 500000, 1",              // exactly 0.5 rounds half up
            "1, 0, 0, 499999, 499999, 499999, 0",              // just under a half rounds down
            "1, 0, 0, 1500000, 1500000, 1500000, 2",           // 1.5 -> 2
            "3, 0, 0, 1, 1, 1, 0",                             // 0.000003 -> 0
            "1, 0, 1, 250000, 250000, 250000, 1",              // 0.25 + 0.25: the sum is rounded, not each part
            "7, 3, 11, 2500000, 1250000, 10000000, 124",       // gpt-4o: 4 x 2.5 + 3 x 1.25 + 11 x 10 = 123.75
            "1000000, 0, 1000000, 2000000, 500000, 8000000, 10000000", // a million each way on gpt-4.1: $2 + $8
    })
    void costIsExactAndRoundedHalfUp(long prompt, long cached, long completion, long in, long cachedIn, long out, long expected) {
        Price p = Price.of(Price.Source.CONFIG, in, cachedIn, out);
        assertEquals(expected, p.costMicros(new Usage(prompt, completion, cached, 0)));
    }

    @Test
    void reasoningTokensAreInsideCompletionTokensAndNotChargedTwice() {
        Price p = Price.of(Price.Source.CONFIG, 0, 0, 1_000_000);
        assertEquals(100, p.costMicros(new Usage(0, 100, 0, 80)));
    }

    @Test
    void sumsBeyondALongAreStillExact() {
        long tokens = 10_000_000_000_000L;   // 10^13 tokens
        long price = 100_000_000_000L;       // $10^5 per Mtok: 2 x 10^24 before dividing
        Price p = Price.of(Price.Source.CONFIG, price, price, price);
        long expected = BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(price)).multiply(BigInteger.TWO)
                .add(BigInteger.valueOf(500_000)).divide(BigInteger.valueOf(1_000_000)).longValueExact();
        assertEquals(expected, p.costMicros(new Usage(tokens, tokens, 0, 0)));
        assertEquals(Long.MAX_VALUE, Price.of(Price.Source.CONFIG, Long.MAX_VALUE, 0, Long.MAX_VALUE)
                .costMicros(new Usage(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0)), "saturates instead of wrapping");
    }

    @Test
    void oddUsageReportsNeverMakeACostNegativeOrCountCachedTokensTwice() {
        Price p = Price.of(Price.Source.CONFIG, 1_000_000, 500_000, 2_000_000);
        assertEquals(5, p.costMicros(new Usage(10, 0, 25, 0)), "cached counts as at most the prompt");
        assertEquals(0, p.costMicros(new Usage(-5, -3, -1, 0)));
    }

    @Test
    void versionOfAPriceFromTheFileIsItsNumbers() {
        Price p = Price.of(Price.Source.GPU, 138_889, 138_889, 1_388_889);
        assertEquals("gpu:138889/138889/1388889", p.version());
        assertEquals("gpu", p.source().id());
        assertEquals("free", Price.FREE.version());
        assertEquals(0, Price.FREE.costMicros(new Usage(1000, 1000, 0, 0)));
    }

    @Test
    void aNegativePriceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Price.of(Price.Source.CONFIG, -1, 0, 0));
    }
}
