package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code ${NAME}} / {@code ${NAME:default}}: the edge cases (the common ones are in ConfigCompilerTest). */
@Tag("unit")
class InterpolationTest {
    private static final Map<String, String> ENV = Map.of("HOST", "gpu-1", "EMPTY", "", "NESTED", "${HOST}",
            "a.b", "dotted");

    private static JsonNode yaml(String text) throws Exception {
        return Json.parseYaml(text);
    }

    /** Interpolates {@code tree} and returns it, or throws with the problems found. */
    private static JsonNode interpolate(JsonNode tree) {
        ConfigReader r = new ConfigReader();
        JsonNode out = new Interpolation(ENV::get, r).apply(tree);
        r.throwIfErrors();
        return out;
    }

    private static String text(String value) {
        return interpolate(Json.nodes().textNode(value)).asText();
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
            "${HOST}:${PORT:8000}/v1     | gpu-1:8000/v1",
            "${URL:http://h:1/v1}        | http://h:1/v1",     // a default may hold colons
            "${EMPTY:fallback}           | ''",                 // set but empty is set: the default is for unset only
            "${NESTED}                   | ${HOST}",            // one pass: a value is never interpolated again
            "${a.b}                      | dotted",
            "${1HOST} ${HOST             | ${1HOST} ${HOST",     // not a variable: left as written
            "$HOST and {HOST}            | $HOST and {HOST}",
            "${X:${HOST}}                | ${HOST}",            // a default ends at the first brace: no nesting
            "$${HOST}                    | $gpu-1"})
    void replacesVariablesInsideText(String value, String expected) {
        assertEquals(expected, text(value));
    }

    @Test
    void onlyValuesAreInterpolatedNeverKeysOrNonText() throws Exception {
        JsonNode out = interpolate(yaml("""
                "${HOST}": { port: 8000, enabled: true, list: ["${HOST}", 1, null] }
                """));
        assertEquals(yaml("""
                "${HOST}": { port: 8000, enabled: true, list: ["gpu-1", 1, null] }
                """), out);
    }

    @Test
    void theTreeGivenIsLeftAsItWas() throws Exception {
        JsonNode in = yaml("a: [\"${HOST}\"]");
        interpolate(in);
        assertEquals("${HOST}", in.get("a").get(0).asText());
    }

    @Test
    void everyUnsetVariableIsAProblemAtThePathOfItsField() throws Exception {
        JsonNode tree = yaml("""
                models:
                  - name: m
                    deployments: [{ provider: "${P1}-${P2}" }]
                teams: [{ name: t, keys: ["${HOST}", "${KEY}"] }]
                """);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> interpolate(tree));
        assertEquals(List.of(
                "models[0].deployments[0].provider: environment variable P1 is not set",
                "models[0].deployments[0].provider: environment variable P2 is not set",
                "teams[0].keys[1]: environment variable KEY is not set"), e.problems());
    }

    @Test
    void aProblemOutsideAnyFieldIsAtTheRoot() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> text("${MISSING}"));
        assertEquals(List.of("(root): environment variable MISSING is not set"), e.problems());
    }
}
