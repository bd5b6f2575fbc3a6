package dev.frugal.pipeline;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.MetricsPage;
import dev.frugal.wire.Csv;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Learned quality end to end, with the real in-process MiniLM: examples uploaded through the admin API
 * make route {@code learned} (cheapest, {@code min-quality} 0.55; learned-cheap $0.1/$0.1 with prior 0.5,
 * learned-strong $10/$30 with prior 0.9) send arithmetic, which the cheap model gets right in the examples,
 * to the cheap model and poems, which it gets wrong, to the strong one — in the {@code x-frugal-model}
 * header, the ledger's {@code predicted_quality} and explain. And {@code POST /admin/routes/{route}/evaluate}
 * on the shipped GSM8K outcomes: examples the first half, the test set the second.
 */
@QuarkusTest
class LearnedRoutingE2ETest {
    static final String E2E = "frg-test-e2e-key";
    static final String ADMIN = "frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String MATH = "A baker has 17 trays of 23 rolls each. How many rolls does he have? Answer with the number only.";
    static final String POEM = "Write a short poem about the quiet of winter snow in the style of Emily Dickinson.";

    @Inject RouteExamples examples;
    @Inject LedgerRows ledgerRows;
    @InjectFakeUpstream FakeUpstream upstream;

    /** 30 arithmetic word problems the cheap model got right and 30 requests for poems it got wrong; the strong one got all. */
    static String examplesCsv() {
        String[] things = {"apples", "marbles", "books", "chairs", "coins", "eggs", "pencils", "boxes", "tickets", "cookies"};
        String[] people = {"A farmer", "Maria", "A teacher", "Tom", "A shop"};
        String[] topics = {"autumn leaves", "the ocean at night", "a lost love", "the city in the rain", "an old oak tree",
                "the first morning of spring", "a lighthouse keeper", "the desert wind", "a childhood home", "falling stars"};
        String[] poets = {"Walt Whitman", "Sylvia Plath", "Robert Frost"};
        StringBuilder b = new StringBuilder("prompt,learned-cheap_correct,learned-strong_correct\n");
        for (int i = 0; i < 30; i++) {
            b.append('"').append(people[i % 5]).append(" has ").append(12 + i).append(' ').append(things[i % 10]).append(" and buys ")
                    .append(3 + i % 7).append(" more each day for ").append(2 + i % 4).append(" days. How many ").append(things[i % 10])
                    .append(" are there now? Answer with the number only.\",1,1\n");
            b.append("\"Write a short poem about ").append(topics[i % 10]).append(" in the style of ").append(poets[i % 3])
                    .append(".\",0,1\n");
        }
        return b.toString();
    }

    static Response chat(String prompt) {
        return given().header("Authorization", "Bearer " + E2E).contentType("application/json")
                .body(Map.of("model", "learned", "max_tokens", 50, "messages", List.of(Map.of("role", "user", "content", prompt))))
                .post("/v1/chat/completions");
    }

    static JsonPath explain(String prompt) {
        Response r = given().header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                .body(Map.of("team", "e2e", "request", Map.of("model", "learned", "max_tokens", 50,
                        "messages", List.of(Map.of("role", "user", "content", prompt)))))
                .post("/admin/routing/explain");
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    static double predicted(JsonPath decision, String model) {
        return decision.getDouble("candidates.find { it.model == '" + model + "' }.predicted_quality");
    }

    static Response upload(String route, String csv) {
        return given().header("Authorization", "Bearer " + ADMIN).contentType("text/csv").body(csv)
                .post("/admin/routes/" + route + "/examples");
    }

    @Test
    void examplesSendWhatTheCheapModelDoesWellToItAndTheRestToTheStrongOne() throws Exception {
        given().header("Authorization", "Bearer " + ADMIN).delete("/admin/routes/learned/examples"); // a rerun starts clean
        Response before = chat(MATH);
        assertEquals("learned-strong", before.header("x-frugal-model"), "on the priors alone the cheap model (0.5) is not good enough");
        assertEquals("no_examples", explain(MATH).getString("quality.reason"));

        Response accepted = upload("learned", examplesCsv());
        assertEquals(202, accepted.statusCode(), accepted.asString());
        examples.drain();
        assertEquals(60, given().header("Authorization", "Bearer " + ADMIN).get("/admin/routes/learned/examples")
                .jsonPath().getInt("loaded_rows"));

        MetricsPage m0 = MetricsPage.scrape();
        Response math = chat(MATH);
        assertEquals(200, math.statusCode(), math.asString());
        assertEquals("learned", math.header("x-frugal-route"));
        assertEquals("learned-cheap", math.header("x-frugal-model"), "its neighbours say the cheap model does sums");
        Response poem = chat(POEM);
        assertEquals("learned-strong", poem.header("x-frugal-model"), "its neighbours say the cheap model fails at poems");
        MetricsPage m1 = MetricsPage.scrape();
        assertEquals(2, m1.value("frugal_routing_quality_predictions_total", "outcome=\"learned\"")
                - m0.value("frugal_routing_quality_predictions_total", "outcome=\"learned\""), 0.0);

        JsonPath mathDecision = explain(MATH), poemDecision = explain(POEM);
        assertEquals("learned", mathDecision.getString("quality.source"));
        assertEquals(60, mathDecision.getInt("quality.examples"));
        assertEquals(40, mathDecision.getInt("quality.neighbours"));
        double cheapOnMath = predicted(mathDecision, "learned-cheap"), cheapOnPoem = predicted(poemDecision, "learned-cheap");
        assertTrue(cheapOnMath >= 0.55 && cheapOnPoem < 0.55, "cheap: " + cheapOnMath + " on sums, " + cheapOnPoem + " on poems");
        assertEquals("learned-cheap", mathDecision.getString("choice.model"));

        Map<String, Object> mathRow = ledgerRows.row(math.header("x-request-id"));
        assertEquals("learned-cheap", mathRow.get("served_model"));
        assertEquals(cheapOnMath, ((Number) mathRow.get("predicted_quality")).doubleValue(), 1e-4, "the ledger keeps the learned prediction");
        Map<String, Object> poemRow = ledgerRows.row(poem.header("x-request-id"));
        assertEquals(predicted(poemDecision, "learned-strong"), ((Number) poemRow.get("predicted_quality")).doubleValue(), 1e-4);
        assertTrue(((String) mathRow.get("route_decision")).startsWith("cheapest min-quality=0.55: learned-cheap"),
                (String) mathRow.get("route_decision"));
    }

    @Test
    void theEvaluationOnGsm8kGivesTheCostQualityCurveFromTheStoredExamples() throws Exception {
        String csv;
        try (InputStream in = getClass().getResourceAsStream("/routing-eval/routellm_gsm8k_mixtral_gpt4.csv")) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Csv.Record> records = Csv.read(csv, new ArrayList<>());
        int rows = records.size() - 1, half = rows / 2;
        Response accepted = upload("learned-gsm8k", write(records, 1, 1 + half));
        assertEquals(202, accepted.statusCode(), accepted.asString());
        examples.drain();

        // 660 prompts to embed: about 25 ms each on a quiet core, several times that on a loaded test machine
        Response r = given().config(RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                        .setParam("http.socket.timeout", 600_000)))
                .header("Authorization", "Bearer " + ADMIN).contentType("text/csv").body(write(records, 1 + half, 1 + rows))
                .post("/admin/routes/learned-gsm8k/evaluate");
        assertEquals(200, r.statusCode(), r.asString());
        JsonPath e = r.jsonPath();
        assertEquals("learned-gsm8k", e.getString("route"));
        assertEquals(half, e.getInt("examples"));
        assertEquals(rows - half, e.getInt("rows"));
        String cheap = "mixtral-8x7b-instruct", strong = "gpt-4-1106-preview";
        // the baselines are the held-out half's own means (docs/routing.md)
        assertEquals(0.634848, e.getDouble("baselines.candidates.'" + cheap + "'.accuracy"), 1e-6);
        assertEquals(0.871212, e.getDouble("baselines.candidates.'" + strong + "'.accuracy"), 1e-6);
        double oracle = e.getDouble("baselines.oracle.accuracy");
        List<Map<String, Object>> points = e.getList("points");
        assertTrue(points.size() > 21, "the grid and the predictions' percentiles: " + points.size());
        double best = 0;
        for (Map<String, Object> p : points) {
            double acc = ((Number) p.get("accuracy")).doubleValue();
            best = Math.max(best, acc);
            @SuppressWarnings("unchecked") Map<String, Number> share = (Map<String, Number>) p.get("share");
            assertEquals(1.0, share.get(cheap).doubleValue() + share.get(strong).doubleValue(), 1e-5);
        }
        assertTrue(oracle >= best, "no router beats the oracle: " + oracle + " < " + best);
        // accuracy grows with cost, give or take noise: the dearer half of the points is the more accurate
        points.sort((a, b) -> Double.compare(((Number) a.get("avg_cost_usd")).doubleValue(), ((Number) b.get("avg_cost_usd")).doubleValue()));
        double cheaperHalf = 0, dearerHalf = 0;
        for (int i = 0; i < points.size(); i++) {
            double acc = ((Number) points.get(i).get("accuracy")).doubleValue();
            if (i < points.size() / 2) cheaperHalf += acc; else dearerHalf += acc;
        }
        assertTrue(dearerHalf / (points.size() - points.size() / 2) > cheaperHalf / (points.size() / 2));
        assertTrue(((Number) points.get(0).get("avg_cost_usd")).doubleValue()
                <= e.getDouble("baselines.candidates.'" + cheap + "'.avg_cost_usd") * 1.0001, "the cheapest point costs about always-cheap");
        // somewhere on the curve the router keeps 95% of GPT-4's accuracy for less than GPT-4's cost
        double strongCost = e.getDouble("baselines.candidates.'" + strong + "'.avg_cost_usd");
        assertTrue(points.stream().anyMatch(p -> ((Number) p.get("accuracy")).doubleValue() >= 0.95 * 0.871212
                && ((Number) p.get("avg_cost_usd")).doubleValue() < strongCost), "95% of the strong accuracy for less");
    }

    /** Records [from, to) under the header, as CSV (every field quoted). */
    static String write(List<Csv.Record> records, int from, int to) {
        StringBuilder b = new StringBuilder();
        line(b, records.get(0).fields());
        for (int i = from; i < to; i++) line(b, records.get(i).fields());
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) b.append(',');
            b.append('"').append(fields.get(i).replace("\"", "\"\"")).append('"');
        }
        b.append('\n');
    }
}
