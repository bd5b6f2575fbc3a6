package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An invalid or missing file stops the start, naming each bad field. */
@Tag("unit")
class ConfigHolderStartTest {

    static ConfigHolder holder(Path file) {
        ConfigHolder h = new ConfigHolder();
        h.path = file.toString();
        h.reloadInterval = Duration.ZERO;
        return h;
    }

    @Test
    void anInvalidFileStopsTheStartWithEveryProblem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("frugal.yaml");
        Files.writeString(f, """
                providers:
                  - name: local-ollama
                    kind: openai
                    base-url: http://127.0.0.1:11434/v1
                models:
                  - name: a
                    deployments: [{ provider: olama }]
                teams:
                  - name: t
                    keys: [short]
                """);
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> holder(f).onStart(null));
        assertEquals(2, e.problems().size(), e.problems().toString());
        assertEquals("models[0].deployments[0].provider: unknown provider 'olama'", e.problems().get(0).replaceAll(" \\(did you mean.*", ""));
        assertTrue(e.problems().get(1).startsWith("teams[0].keys[0]: "), e.problems().get(1));
    }

    @Test
    void aMissingFileStopsTheStartAndSaysHowToPointAtOne(@TempDir Path dir) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> holder(dir.resolve("nope.yaml")).onStart(null));
        assertTrue(e.getMessage().contains("FRUGAL_CONFIG"), e.getMessage());
    }
}
