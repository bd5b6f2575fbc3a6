package dev.frugal.deploy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM options a user gets by default (decision 0023): config/jvm.options is a java argument file that
 * the JVM reads as meant, and the README's command and the container image (so the Helm chart) use it.
 */
@Tag("unit")
class JvmOptionsTest {
    private static final Path OPTIONS = Path.of("config/jvm.options");

    /** The final value of each flag the JVM reports with the argument file, then {@code extra}. */
    private static Map<String, String> flags(String... extra) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "@" + OPTIONS));
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version did not finish");
        assertEquals(0, p.exitValue(), out);
        Map<String, String> flags = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)").matcher(out);
        while (m.find()) flags.put(m.group(1), m.group(2));
        return flags;
    }

    @Test
    void theArgumentFileGivesTheSmallFootprintAndLaterOptionsWin() throws Exception {
        Map<String, String> f = flags();
        assertEquals("true", f.get("UseSerialGC"));
        assertEquals(String.valueOf(512L << 20), f.get("MaxHeapSize"));
        assertEquals(String.valueOf(48L << 20), f.get("InitialHeapSize"));
        assertEquals(String.valueOf(32L << 20), f.get("MaxNewSize"));
        assertEquals(String.valueOf(64L << 20), f.get("MaxDirectMemorySize"));
        assertEquals(String.valueOf(64L << 20), f.get("ReservedCodeCacheSize"));
        assertEquals("true", f.get("ExitOnOutOfMemoryError"));
        // decision 0035; a JDK before 17.0.9 does not know the option and ignores it (IgnoreUnrecognizedVMOptions)
        if (f.containsKey("TrimNativeHeapInterval")) assertEquals("30000", f.get("TrimNativeHeapInterval"));
        // how to give it more (docs/deployment.md): an option after the file wins
        assertEquals(String.valueOf(2048L << 20), flags("-Xmx2g").get("MaxHeapSize"));
    }

    @Test
    void theReadmeCommandAndTheImageUseTheFile() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("java @config/jvm.options -jar target/quarkus-app/quarkus-run.jar"), "README's run command");
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        assertTrue(dockerfile.contains("COPY --chown=1001:0 config/ /deployments/config/"), "the image carries config/");
        assertTrue(dockerfile.contains("JAVA_OPTS=\"@/deployments/config/jvm.options\""), "the image's JAVA_OPTS");
        assertTrue(dockerfile.contains("exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar"), "JAVA_OPTS_APPEND comes after the file");
        String deployment = Files.readString(HelmRender.CHART.resolve("templates/deployment.yaml"));
        assertTrue(!deployment.contains("name: JAVA_OPTS\n"), "the chart keeps the image's JAVA_OPTS");
    }
}
