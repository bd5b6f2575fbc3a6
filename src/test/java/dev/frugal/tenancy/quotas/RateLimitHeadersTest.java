package dev.frugal.tenancy.quotas;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class RateLimitHeadersTest {

    @ParameterizedTest(name = "{0} ms → {1}")
    @CsvSource({"0,0s", "-5,0s", "1,1ms", "120,120ms", "999,999ms", "1000,1s", "8640,8.64s", "17280,17.28s", "59999,59.999s",
            "60000,1m0s", "360000,6m0s", "61001,1m1.001s", "3600000,1h0m0s", "86400000,24h0m0s"})
    void durationsAreWrittenAsOpenAiDoes(long millis, String expected) {
        assertEquals(expected, RateLimitHeaders.duration(millis));
    }

    @ParameterizedTest(name = "{0} µUSD → {1}")
    @CsvSource({"0,$0.00", "1,$0.000001", "150,$0.00015", "10000,$0.01", "500000000,$500.00", "123456789,$123.456789"})
    void moneyIsWrittenExactly(long micros, String expected) {
        assertEquals(expected, QuotaErrors.usd(micros));
    }

    @ParameterizedTest(name = "{0} ms → Retry-After {1}")
    @CsvSource({"-1,-1", "0,1", "1,1", "1000,1", "1001,2", "6000,6"})
    void retryAfterRoundsUpToWholeSeconds(long millis, long seconds) {
        assertEquals(seconds, QuotaErrors.seconds(millis));
    }
}
