package dev.frugal.provider.ollama;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the Ollama fixtures that FakeUpstream replays in the end-to-end test. */
final class Fixtures {
    private Fixtures() {}

    static byte[] bytes(String caseName, String file) {
        String path = "fixtures/ollama/" + caseName + "/" + file;
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
