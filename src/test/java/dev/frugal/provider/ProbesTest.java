package dev.frugal.provider;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which probe answers count as healthy. */
class ProbesTest {
    @ParameterizedTest
    @CsvSource({"200,true", "204,true", "404,true", "405,true", "401,false", "403,false", "429,false", "500,false",
            "503,false", "302,false"})
    void aServerThatAnswersIsUpUnlessItRefusesTheKeyOrIsOverloadedOrBroken(int status, boolean up) {
        assertEquals(up, Probes.answered(status));
    }
}
