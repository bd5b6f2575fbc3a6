package dev.frugal.api;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.RequiresNode;
import dev.frugal.testsupport.SdkGatewayTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Codex CLI ({@code @openai/codex} from npm, project {@code src/test/node/codex}, installed
 * under {@code target/} with {@code npm ci} as {@link VercelAiSdkTest} does) against the gateway as a
 * custom provider over the Responses API, with the hosted tools it also sends dropped
 * ({@code frugal.responses.unsupported-tools=drop}). {@code codex exec} runs one task in an empty
 * workspace; the chat upstream (the fake) calls Codex's free-form {@code apply_patch} tool, Codex applies
 * the patch locally, sends the result back with the whole history ({@code store: false}), and the upstream's
 * answer to it is printed. Hermetic: Codex's update check, analytics, feedback, plugins and apps are off, so
 * it connects to nothing but the gateway on 127.0.0.1.
 */
@QuarkusTest
@RequiresNode
@TestProfile(CodexCliTest.DropUnsupportedTools.class)
class CodexCliTest {
    static final Path PROJECT = Path.of("src/test/node/codex");
    static final Path COPY = Path.of("target/node/codex");

    public static class DropUnsupportedTools implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("frugal.responses.unsupported-tools", "drop");
        }
    }

    @InjectFakeUpstream FakeUpstream upstream;
    @Inject LedgerRows ledger;

    /** The project under target/, Codex installed from the committed package-lock.json (once: a later run reuses it). */
    static void install() throws Exception {
        Files.createDirectories(COPY);
        for (String f : List.of("package.json", "package-lock.json")) {
            Files.copy(PROJECT.resolve(f), COPY.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isExecutable(COPY.resolve("node_modules/.bin/codex"))) return;
        VercelAiSdkTest.Run npm = VercelAiSdkTest.run(COPY, Map.of(), 600, "npm", "ci", "--no-audit", "--no-fund", "--prefix",
                COPY.toAbsolutePath().toString());
        VercelAiSdkTest.npmInstalled(npm);
    }

    /** Codex's configuration: the gateway as its model provider, and nothing that would reach another host. */
    static String config(int port) {
        return """
                model = "gpt-5.5"
                model_provider = "frugal"
                check_for_update_on_startup = false

                [features]
                plugins = false
                apps = false

                [analytics]
                enabled = false

                [feedback]
                enabled = false

                [model_providers.frugal]
                name = "Frugal"
                base_url = "http://127.0.0.1:%d/v1"
                env_key = "FRUGAL_KEY"
                wire_api = "responses"
                """.formatted(port);
    }

    @Test
    void withDropAToolWithoutAChatFormIsLeftOutAndNamedInAHeader() {
        upstream.clear();
        RestAssured.given().header("Authorization", "Bearer " + SdkGatewayTest.E2E_KEY).contentType("application/json")
                .body("{\"model\":\"resp-json\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"},{\"type\":\"function\",\"name\":\"f\"},"
                        + "{\"type\":\"namespace\",\"name\":\"n\",\"tools\":[]}]}")
                .post("/v1/responses")
                .then().statusCode(200).header(ResponsesRoutes.DROPPED_TOOLS, "web_search,namespace")
                .body("tools.size()", org.hamcrest.Matchers.is(1)).body("tools[0].name", org.hamcrest.Matchers.is("f"));
        JsonArray sent = upstream.last().body().getJsonArray("tools");
        assertEquals(1, sent.size(), sent.encode());
        assertEquals("f", sent.getJsonObject(0).getJsonObject("function").getString("name"));
    }

    @Test
    void codexExecRunsTheUpstreamsApplyPatchCallLocallyAndPrintsItsAnswer() throws Exception {
        install();
        upstream.clear();
        Path home = Files.createTempDirectory(COPY.getParent(), "codex-home");
        Path workspace = Files.createTempDirectory(COPY.getParent(), "codex-workspace");
        Files.writeString(home.resolve("config.toml"), config(RestAssured.port));

        VercelAiSdkTest.Run codex = VercelAiSdkTest.run(workspace,
                Map.of("CODEX_HOME", home.toAbsolutePath().toString(), "FRUGAL_KEY", SdkGatewayTest.E2E_KEY, "NO_COLOR", "1"),
                60, COPY.resolve("node_modules/.bin/codex").toAbsolutePath().toString(), "exec", "--skip-git-repo-check",
                "--dangerously-bypass-approvals-and-sandbox", "Create hello.txt with a greeting.");

        assertEquals(0, codex.exit(), "codex exec:\n" + codex.out());
        assertEquals("hello from frugal\n", Files.readString(workspace.resolve("hello.txt")), "Codex applied the patch:\n" + codex.out());
        assertTrue(codex.out().contains("I created hello.txt with the greeting."), "the final answer is printed:\n" + codex.out());

        List<FakeUpstream.Received> calls = upstream.all();
        assertEquals(2, calls.size(), "the tool call, then the answer to its result: " + calls.stream()
                .map(c -> c.path() + " " + c.body().getString("model") + " " + c.body().getJsonArray("messages", new JsonArray()).size()
                        + " messages, last: " + c.body().getJsonArray("messages", new JsonArray()).stream().reduce((x, y) -> y).orElse(""))
                .toList());
        JsonObject first = calls.get(0).body();
        JsonObject patch = null;
        for (Object t : first.getJsonArray("tools")) {
            JsonObject f = ((JsonObject) t).getJsonObject("function");
            if (f.getString("name").equals("apply_patch")) patch = f;
            assertTrue(!f.getString("name").equals("web_search") && !f.getString("name").equals("tool_search"), f.encode());
        }
        assertTrue(patch != null && patch.getJsonObject("parameters").getJsonObject("properties").containsKey("input"), first.encode());
        JsonArray history = calls.get(1).body().getJsonArray("messages");
        JsonObject call = history.getJsonObject(history.size() - 2);
        assertEquals("apply_patch", call.getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("name"));
        JsonObject result = history.getJsonObject(history.size() - 1);
        assertEquals("tool", result.getString("role"));
        assertEquals("call_patch1", result.getString("tool_call_id"));
        assertTrue(result.getString("content").contains("hello.txt"), "Codex's report of the patch: " + result.encode());

        List<Map<String, Object>> rows = ledger.rows(calls.stream().map(c -> c.headers().get("x-request-id")).toList());
        for (Map<String, Object> row : rows) {
            assertEquals("responses", row.get("endpoint"));
            assertEquals("gpt-5.5", row.get("requested_model"));
            assertEquals(200, LedgerRows.number(row, "status"));
            assertTrue(LedgerRows.number(row, "cost_micros") > 0, row.toString());
        }
        assertEquals(9000, LedgerRows.number(rows.get(0), "prompt_tokens"));
        assertEquals(12, LedgerRows.number(rows.get(1), "completion_tokens"));
    }
}
