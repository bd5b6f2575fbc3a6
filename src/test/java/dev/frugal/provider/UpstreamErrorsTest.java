package dev.frugal.provider;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class UpstreamErrorsTest {
    private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap();
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    // ---- retry-after ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            "retry-after, 7, 7",
            "retry-after, ' 12 ', 12",
            "retry-after, 1.2, 2",
            "retry-after, 0, 0",
            "retry-after-ms, 1500, 2",
            "retry-after-ms, 20, 1",
            "retry-after, soon, -1",
            "retry-after, -5, -1",
            "retry-after-ms, -1, -1",
            "retry-after, '', -1",
            "retry-after-ms, abc, -1",
            "x-other, 7, -1"})
    void retryAfterIsReadInSeconds(String header, String value, long expected) {
        assertEquals(expected, UpstreamErrors.retryAfterSeconds(MultiMap.caseInsensitiveMultiMap().add(header, value), CLOCK));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("retry-after", "30").add("retry-after-ms", "2000");
        assertEquals(2, UpstreamErrors.retryAfterSeconds(h, CLOCK));
    }

    @Test
    void retryAfterAsAnHttpDateInThePastIsZero() {
        assertEquals(0, UpstreamErrors.retryAfterSeconds(
                MultiMap.caseInsensitiveMultiMap().add("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"), CLOCK));
    }

    @Test
    void retryAfterAsAnHttpDateInTheFutureIsTheSecondsUntilThen() {
        String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        long s = UpstreamErrors.retryAfterSeconds(MultiMap.caseInsensitiveMultiMap().add("retry-after", inAnHour), CLOCK);
        assertTrue(s > 3000 && s <= 3600, "got " + s);
    }

    @Test
    void missingHeadersMeanUnknown() {
        assertEquals(-1, UpstreamErrors.retryAfterSeconds(null, CLOCK));
        assertEquals(-1, UpstreamErrors.retryAfterSeconds(NO_HEADERS, CLOCK));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bad key prov-secret-7f3a9c2e1b here | prov-secret-7f3a9c2e1b | bad key *** here",
            "masked prov-sec****1b               | prov-secret-7f3a9c2e1b | masked *******1b",
            "key sk-proj-abcdefghijkl            |                        | key sk-***",
            "short abc123 key                    | abc123                 | short *** key"})
    void scrubRemovesTheCredential(String message, String secret, String expected) {
        assertEquals(expected, UpstreamErrors.scrub(message, Credentials.ofKey(secret)));
    }

    @Test
    void scrubShortensLongMessages() {
        String s = UpstreamErrors.scrub("x".repeat(2000), null);
        assertEquals(501, s.length());
        assertTrue(s.endsWith("…"));
    }
}
