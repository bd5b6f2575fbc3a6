package dev.frugal.api;

import dev.frugal.testsupport.RequiresNode;
import dev.frugal.testsupport.SdkGatewayTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vercel AI SDK (Node, {@code src/test/node/vercel-ai}) against the gateway, unchanged:
 * {@code openai(model)} calls {@code /v1/responses}, {@code openai.chat(model)} calls
 * {@code /v1/chat/completions}; each generates, streams and runs a tool round trip. The project is
 * copied under {@code target/} and installed there with {@code npm ci} (once: a later run reuses
 * its {@code node_modules}), so the source tree stays clean.
 */
@QuarkusTest
@RequiresNode
class VercelAiSdkTest {
    static final Path PROJECT = Path.of("src/test/node/vercel-ai");
    static final Path COPY = Path.of("target/node/vercel-ai");

    record Run(int exit, String out) {}

    /** Runs a command in {@code dir} with no input, its output in {@code log}; fails when it outlives {@code seconds}. */
    static Run run(Path dir, Map<String, String> env, long seconds, String... command) throws Exception {
        Path log = Files.createTempFile(COPY.getParent(), "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close(); // no input: a tool that reads stdin when it is not a terminal (codex exec) sees its end
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end in " + seconds + " s:\n" + Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The project under target/, its dependencies installed from the committed package-lock.json. */
    static void install() throws Exception {
        Files.createDirectories(COPY);
        for (String f : List.of("package.json", "package-lock.json", "test.mjs")) {
            Files.copy(PROJECT.resolve(f), COPY.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(COPY.resolve("node_modules/ai"))) return;
        Run npm = run(COPY, Map.of(), 600, "npm", "ci", "--no-audit", "--no-fund", "--prefix", COPY.toAbsolutePath().toString());
        npmInstalled(npm);
    }

    /**
     * A failed {@code npm ci} fails the test in CI; elsewhere (a laptop offline, no npm registry) it skips
     * the test with the reason, as a missing Node does.
     */
    static void npmInstalled(Run npm) {
        if (npm.exit() != 0 && !"true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assumptions.abort("skipped: npm ci failed (no npm registry reachable?); CI=true makes it mandatory:\n" + npm.out());
        }
        assertEquals(0, npm.exit(), "npm ci:\n" + npm.out());
    }

    @Test
    void theVercelAiSdkWorksOverResponsesAndChat() throws Exception {
        install();
        Run node = run(COPY, Map.of("FRUGAL_URL", "http://127.0.0.1:" + RestAssured.port + "/v1", "FRUGAL_KEY", SdkGatewayTest.E2E_KEY),
                120, "node", "test.mjs");
        assertEquals(0, node.exit(), "node test.mjs:\n" + node.out());
        String[] lines = node.out().strip().split("\n");
        JsonObject summary = new JsonObject(lines[lines.length - 1]);

        for (String api : List.of("responses", "chat")) {
            JsonObject s = summary.getJsonObject(api);
            JsonObject generate = s.getJsonObject("generate");
            assertEquals("Hello from the fixture.", generate.getString("text"), api + ": " + summary);
            assertEquals("stop", generate.getString("finishReason"), api);
            assertTrue(generate.getInteger("outputTokens") > 0, api + ": " + summary);

            assertEquals("Hello world.", s.getJsonObject("stream").getString("text"), api + ": " + summary);
            assertEquals("stop", s.getJsonObject("stream").getString("finishReason"), api);

            // over the Responses API both ways the SDK sends the call back: by reference (its default) and whole (store: false)
            for (String round : api.equals("responses") ? List.of("tools", "toolsStateless") : List.of("tools")) {
                JsonObject tools = s.getJsonObject(round);
                String what = api + " " + round;
                assertEquals(2, tools.getInteger("steps"), what + ": the call, then the answer to its result: " + summary);
                assertEquals(List.of("get_weather"), tools.getJsonArray("toolCalls").getList(), what);
                assertEquals(1, tools.getInteger("executed"), what);
                assertTrue(tools.getString("text").startsWith("This is a simulated answer"), what + ": " + summary);
                assertEquals("stop", tools.getString("finishReason"), what);
            }
        }
    }
}
