package dev.frugal.config;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every config file the project ships compiles, with any referenced variable set. */
@Tag("unit")
class ShippedConfigsTest {
    @TestFactory
    Stream<DynamicTest> shippedConfigsAreValid() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("config")), Files.list(Path.of("config", "examples")))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream()
                    .map(p -> DynamicTest.dynamicTest(p.toString(), () -> {
                        FrugalConfig c = ConfigCompiler.compile(Files.readString(p), name -> "frg-value-of-" + name);
                        assertFalse(c.models().isEmpty(), p + " serves no model");
                    }));
        }
    }
}
