package dev.frugal.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class MetricsEndpointTest {
    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null | text",
            "'' | text",
            "*/* | text",
            "text/plain | text",
            "TEXT/PLAIN; version=0.0.4 | text",
            "text/* | text",
            "application/openmetrics-text | openmetrics",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1 | openmetrics",
            "application/openmetrics-text, text/plain | text",                  // a tie goes to the format every parser reads
            "text/plain;q=0.9, application/openmetrics-text;q=0.5 | text",
            "application/openmetrics-text;q=0, */* | text",                    // q=0: not acceptable
            "application/openmetrics-text;q=oops, text/plain | text",          // a broken q counts as 0
            "application/json | null",
            "image/png, application/json;q=0.5 | null",
            "text/plain;q=0 | null",
    })
    void theFormatFollowsTheCallersPreference(String accept, String expected) {
        String want = expected == null ? null : expected.equals("text") ? MetricsEndpoint.TEXT : MetricsEndpoint.OPENMETRICS;
        assertEquals(want, MetricsEndpoint.contentType(accept));
    }
}
