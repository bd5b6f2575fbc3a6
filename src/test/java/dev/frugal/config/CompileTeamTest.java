package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One team as the admin API sends it, compiled with the rules of teams[] in the file. */
@Tag("unit")
class CompileTeamTest {
    static final Set<String> MODELS = Set.of("llama", "gpt-4o-mini");

    static JsonNode json(String text) throws Exception { return Json.parse(text); }

    static List<String> problems(String body, Set<String> models) throws Exception {
        JsonNode n = json(body);
        return assertThrows(InvalidConfigException.class, () -> ConfigCompiler.compileTeam(n, models)).problems();
    }

    @Test
    void aFullTeamCompilesToTheSameTypeAsTheFiles() throws Exception {
        TeamConfig t = ConfigCompiler.compileTeam(json("""
                {"name":"research","models":["llama"],"budget":[{"usd":"500","period":"month"},{"usd":20.25,"period":"day","mode":"soft"}],
                 "limits":{"rpm":600,"tpm":200000,"concurrent":4},"reference_model":"gpt-4o"}"""), MODELS);
        assertEquals(new TeamConfig("research", Set.of(), Set.of("llama"),
                List.of(new Budget(500_000_000, Budget.Period.MONTH, true), new Budget(20_250_000, Budget.Period.DAY, false)),
                new Limits(600, 200_000, 4), "gpt-4o"), t);
        TeamConfig bare = ConfigCompiler.compileTeam(json("{\"name\":\"bare\",\"reference_model\":\"\"}"), MODELS);
        assertEquals(new TeamConfig("bare", Set.of(), Set.of()), bare);
        assertNull(bare.referenceModel());
    }

    @Test
    void problemsNameTheFieldRelativeToTheBody() throws Exception {
        assertEquals(List.of("models[1]: unknown model 'lama' (did you mean 'llama'?)"),
                problems("{\"name\":\"t\",\"models\":[\"llama\",\"lama\"]}", MODELS));
        assertEquals(List.of("budget[1].period: a budget for this period is already set"),
                problems("{\"name\":\"t\",\"budget\":[{\"usd\":1},{\"usd\":2}]}", MODELS));
        assertEquals(List.of("name: is required"), problems("{}", MODELS));
        assertEquals(List.of("keys: unknown field"), problems("{\"name\":\"t\",\"keys\":[\"frg-0123456789\"]}", MODELS));
        assertEquals(List.of("reference-model: unknown field (did you mean 'reference_model'?)"),
                problems("{\"name\":\"t\",\"reference-model\":\"x\"}", MODELS));
        assertEquals(List.of("(root): must be a mapping"), problems("[]", MODELS));
        assertTrue(problems("{\"name\":\"a b\"}", MODELS).get(0).startsWith("name: 'a b' is not a valid name"));
    }

    @Test
    void clientTextIsNeverInterpolatedFromTheEnvironment() throws Exception {
        assertTrue(problems("{\"name\":\"${HOME}\"}", MODELS).get(0).startsWith("name: '${HOME}' is not a valid name"));
        assertEquals("${PATH}", ConfigCompiler.compileTeam(json("{\"name\":\"t\",\"reference_model\":\"${PATH}\"}"), MODELS).referenceModel());
    }

    @Test
    void withoutAModelListAnyNameIsAccepted() throws Exception {
        assertEquals(Set.of("gone-since"), ConfigCompiler.compileTeam(json("{\"name\":\"t\",\"models\":[\"gone-since\"]}"), null).models());
    }

    @Test
    void limitsAndBudgetsCompileOnTheirOwn() throws Exception {
        assertEquals(new Limits(1, 2, 3), ConfigCompiler.compileLimits(json("{\"rpm\":1,\"tpm\":2,\"concurrent\":3}"), "limits"));
        assertEquals(Limits.NONE, ConfigCompiler.compileLimits(null, "limits"));
        assertEquals(List.of(new Budget(1, Budget.Period.WEEK, true)),
                ConfigCompiler.compileBudgets(json("{\"usd\":\"0.000001\",\"period\":\"week\"}"), "budget"));
        assertEquals(List.of("budget.usd: must not be negative"), assertThrows(InvalidConfigException.class,
                () -> ConfigCompiler.compileBudgets(json("{\"usd\":-2}"), "budget")).problems());
    }

    @Test
    void aClientsJsonTypesAreTakenAtTheirWord() throws Exception {
        assertEquals(List.of("name: must be a string"), problems("{\"name\":5}", MODELS));
        assertEquals(List.of("limits.rpm: must be a number"), problems("{\"name\":\"t\",\"limits\":{\"rpm\":\"10\"}}", MODELS));
        assertEquals(List.of("models[0]: must be a string"), problems("{\"name\":\"t\",\"models\":[5]}", MODELS));
        assertEquals(List.of("reference_model: must be a string"), problems("{\"name\":\"t\",\"reference_model\":1}", MODELS));
        assertEquals(List.of("budget.period: must be one of day, week, month"),
                problems("{\"name\":\"t\",\"budget\":{\"usd\":1,\"period\":1}}", MODELS));
        assertEquals(List.of("limits.rpm: must be a number"), assertThrows(InvalidConfigException.class,
                () -> ConfigCompiler.compileLimits(json("{\"rpm\":\"10\"}"), "limits")).problems());
    }

    @Test
    void theFileStaysLenientAboutYamlScalars() {
        FrugalConfig c = ConfigCompiler.compile("""
                models: [{name: m, deployments: [{provider: sim}]}]
                providers: [{name: sim, kind: simulator}]
                teams: [{name: 2024, keys: [frg-test-key-2024], limits: {rpm: "10"}}]
                """, v -> null);
        assertEquals(new Limits(10, 0, 0), c.teams().get("2024").limits());
    }

    @Test
    void durationsTakeDays() {
        assertEquals(java.time.Duration.ofDays(30), Durations.parse("30d"));
    }
}
