package dev.frugal.api;

import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.frugal.testsupport.LedgerRows.assertOutcome;
import static dev.frugal.testsupport.LedgerRows.number;

/** Every client and upstream error the gateway answers: status, OpenAI-shaped body, headers. */
@QuarkusTest
class ErrorsTest {
    static final String KEY = "Bearer frg-test-alpha-key";

    @InjectFakeUpstream
    FakeUpstream upstream;

    @Inject
    LedgerRows ledger;

    /** The ledger row of an upstream failure: the status and code the client got, the calls its x-frugal-attempts said, and the trace. */
    Map<String, Object> assertRow(ValidatableResponse answer, String attemptLog) throws Exception {
        Response r = answer.extract().response();
        Map<String, Object> row = ledger.row(r.header("x-request-id"));
        assertOutcome(row, r.statusCode(), r.statusCode() == 200 ? null : r.jsonPath().getString("error.code"),
                Integer.parseInt(r.header("x-frugal-attempts")), attemptLog, false);
        return row;
    }

    @BeforeEach
    void clear() { upstream.clear(); }

    static ValidatableResponse post(String path, String body) {
        return given().header("Authorization", KEY).contentType("application/json").body(body).post(path).then();
    }

    static void isOpenAiError(ValidatableResponse r, int status, String type, String code, String param) {
        r.statusCode(status).contentType("application/json")
                .header("x-request-id", notNullValue())
                .body("error.message", notNullValue())
                .body("error.type", equalTo(type))
                .body("error.code", code == null ? nullValue() : equalTo(code))
                .body("error.param", param == null ? nullValue() : equalTo(param))
                .body(not(containsString("Exception")));
    }

    @Test
    void malformedJsonIs400() {
        isOpenAiError(post("/v1/chat/completions", "{\"model\": \"gpt-test\", "), 400, "invalid_request_error", "invalid_json", null);
        isOpenAiError(post("/v1/chat/completions", ""), 400, "invalid_request_error", "invalid_json", null);
        isOpenAiError(post("/v1/chat/completions", "[1,2]"), 400, "invalid_request_error", "invalid_value", null);
        isOpenAiError(post("/v1/chat/completions", "{\"a\":1} trailing"), 400, "invalid_request_error", "invalid_json", null);
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}                         | model",
            "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}               | model",
            "{\"model\":\"gpt-test\"}                                                      | messages",
            "{\"model\":\"gpt-test\",\"messages\":\"hi\"}                                     | messages",
            "{\"model\":\"gpt-test\",\"messages\":[]}                                         | messages",
            "{\"model\":\"gpt-test\",\"messages\":[{\"content\":\"hi\"}]}                       | messages[0].role",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}    | messages[0].role",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\"}]}                         | messages[0].content",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":5}]}           | messages[0].content",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\",\"tool_call_id\":\"c1\"}]} | messages[0].tool_call_id",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"} | stream",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":{\"include_usage\":true}} | stream_options",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-1} | max_tokens",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1.5} | max_tokens",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"} | temperature",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]} | stop",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_logprobs\":3} | top_logprobs",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{}}]} | tools[0].function.name",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tool_choice\":\"sometimes\"} | tool_choice",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"bogus\"}]}]}  | messages[0].content[0].type",
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}}]}]} | messages[0].content[0].image_url.url",
    })
    void missingOrMistypedChatFieldsAre400WithParam(String body, String param) {
        ValidatableResponse r = post("/v1/chat/completions", body);
        r.statusCode(400).body("error.type", equalTo("invalid_request_error")).body("error.param", equalTo(param));
        assertEquals(null, upstream.last(), "a bad request never reaches a backend");
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"minilm\"}                                    | input",
            "{\"model\":\"minilm\",\"input\":\"\"}                     | input",
            "{\"model\":\"minilm\",\"input\":[]}                       | input",
            "{\"model\":\"minilm\",\"input\":[\"a\",3]}                | input[1]",
            "{\"model\":\"minilm\",\"input\":\"a\",\"encoding_format\":\"hex\"} | encoding_format",
            "{\"model\":\"minilm\",\"input\":\"a\",\"dimensions\":0}   | dimensions",
            "{\"model\":\"minilm\",\"input\":\"a\",\"dimensions\":12}  | dimensions",
            "{\"model\":\"minilm\",\"input\":[1,2,3]}                  | input",
            "{\"model\":\"gpt-test\"}                                  | prompt",
            "{\"model\":\"gpt-test\",\"prompt\":[1,[2]]}             | prompt[1]",
            "{\"model\":\"gpt-test\",\"prompt\":[\"a\",[2]]}       | prompt[1]",
            "{\"model\":\"minilm\",\"input\":[[1],2]}                | input[1]",
    })
    void badEmbeddingAndCompletionFieldsAre400WithParam(String body, String param) {
        String path = body.contains("minilm") ? "/v1/embeddings" : "/v1/completions";
        post(path, body).statusCode(400).body("error.type", equalTo("invalid_request_error")).body("error.param", equalTo(param));
        assertEquals(null, upstream.last(), "a bad request never reaches a backend");
    }

    @Test
    void unknownModelIs404ModelNotFound() {
        isOpenAiError(post("/v1/chat/completions", chat("gpt-9")), 404, "invalid_request_error", "model_not_found", "model");
    }

    @Test
    void anotherTeamsModelIs404NotForbidden() {
        ValidatableResponse r = post("/v1/chat/completions", chat("other-team-model"));
        isOpenAiError(r, 404, "invalid_request_error", "model_not_found", "model");
        r.body("error.message", equalTo("The model `other-team-model` does not exist or you do not have access to it."));
    }

    @Test
    void missingOrWrongKeyIs401() {
        isOpenAiError(given().contentType("application/json").body(chat("gpt-test")).post("/v1/chat/completions").then(),
                401, "invalid_request_error", "invalid_api_key", null);
        isOpenAiError(given().header("Authorization", "Bearer frg-nope-nope-nope").contentType("application/json")
                .body(chat("gpt-test")).post("/v1/chat/completions").then(), 401, "invalid_request_error", "invalid_api_key", null);
        isOpenAiError(given().header("Authorization", "Basic Zm9vOmJhcg==").get("/v1/models").then(),
                401, "invalid_request_error", "invalid_api_key", null);
        given().header("Authorization", "Bearer frg-nope-nope-nope").get("/v1/models").then().statusCode(401)
                .body(not(containsString("frg-nope")));
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(70 * 1024) + "\"}]}";
        isOpenAiError(post("/v1/chat/completions", big), 413, "invalid_request_error", "request_too_large", null);
    }

    @Test
    void wrongContentTypeIs415() {
        isOpenAiError(given().header("Authorization", KEY).contentType("text/plain").body(chat("gpt-test"))
                .post("/v1/chat/completions").then(), 415, "invalid_request_error", "unsupported_media_type", null);
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() {
        isOpenAiError(given().header("Authorization", KEY).get("/v1/nothing-here").then(), 404, "invalid_request_error", "unknown_url", null);
        isOpenAiError(given().header("Authorization", KEY).get("/v1/chat/completions").then(), 405, "invalid_request_error", "method_not_allowed", null);
    }

    @Test
    void upstream5xxIs502() {
        isOpenAiError(fixture("error-500"), 502, "upstream_error", "upstream_error", null);
    }

    @Test
    void upstream400IsTheClients400WithItsParam() {
        ValidatableResponse r = fixture("error-400");
        isOpenAiError(r, 400, "invalid_request_error", "upstream_rejected", "temperature");
        r.body("error.message", containsString("must be at most 2"));
    }

    @Test
    void upstreamRejectingTheProviderKeyIs502AndNeverShowsTheKey() {
        ValidatableResponse r = fixture("error-401");
        isOpenAiError(r, 502, "upstream_error", "upstream_auth_failed", null);
        r.body(not(containsString("test-pro")));
    }

    @Test
    void upstream429KeepsItsRetryAfter() {
        ValidatableResponse r = given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body(chat("limited")).post("/v1/chat/completions").then();
        isOpenAiError(r, 429, "rate_limit_error", "upstream_rate_limited", null);
        r.header("retry-after", equalTo("7"));
    }

    @Test
    void upstreamOverloadIs503() throws Exception {
        ValidatableResponse r = fixture("error-503");
        isOpenAiError(r, 503, "service_unavailable_error", "upstream_overloaded", null);
        assertRow(r, "fake/fixture=overloaded");
    }

    @Test
    void upstreamAnsweringHtmlIs502() throws Exception {
        ValidatableResponse r = fixture("html-200");
        isOpenAiError(r, 502, "upstream_error", "upstream_error", null);
        Map<String, Object> row = assertRow(r, "fake/fixture=protocol");
        assertEquals(0L, number(row, "prompt_tokens") + number(row, "completion_tokens"), "nothing billed: " + row);
    }

    @Test
    void upstreamThatNeverAnswersIs504WithinTheIdleTimeout() throws Exception {
        long t0 = System.nanoTime();
        ValidatableResponse r = fixture("hang");
        isOpenAiError(r, 504, "timeout_error", "upstream_timeout", null);
        long ms = (System.nanoTime() - t0) / 1_000_000L;
        org.hamcrest.MatcherAssert.assertThat(ms, lessThan(5_000L));
        Map<String, Object> row = assertRow(r, "fake/fixture=timeout");
        assertTrue(number(row, "latency_ms") <= ms, "within the client's " + ms + " ms: " + row);
    }

    @Test
    void upstreamResettingTheConnectionIs503() throws Exception {
        ValidatableResponse r = fixture("reset");
        isOpenAiError(r, 503, "service_unavailable_error", "no_backend_available", null);
        assertRow(r, "fake/fixture=network");
    }

    @Test
    void noReachableBackendIs503() throws Exception {
        ValidatableResponse r = post("/v1/chat/completions", chat("unreachable"));
        isOpenAiError(r, 503, "service_unavailable_error", "no_backend_available", null);
        // connection refused is retried once if the gateway-wide retry budget allows: one or two calls
        Response answer = r.extract().response();
        Map<String, Object> row = ledger.row(answer.header("x-request-id"));
        String log = (String) row.get("attempt_log");
        int calls = Integer.parseInt(answer.header("x-frugal-attempts"));
        assertTrue(calls == 1 && log.equals("closed/nobody=network")
                || calls == 2 && log.equals("closed/nobody=network;closed/nobody=network"), calls + " calls: " + row);
        assertOutcome(row, 503, "no_backend_available", calls, log, false);
    }

    @Test
    void aFailingDeploymentFallsBackToTheNextBeforeAnswering() throws Exception {
        ValidatableResponse r = post("/v1/chat/completions", chat("flaky")).statusCode(200)
                .header("x-frugal-attempts", "2")
                .body("choices[0].message.content", equalTo("echo echo-second"));
        Map<String, Object> row = assertRow(r, "fake/error-500=upstream_error;fake/echo-second=success");
        assertEquals("fake/echo-second", row.get("deployment"), "billed to the deployment that answered: " + row);
    }

    @Test
    void theClientsRequestIdIsEchoedAndOneIsMadeOtherwise() {
        given().header("Authorization", KEY).header("x-request-id", "my-trace-42").get("/v1/models").then()
                .statusCode(200).header("x-request-id", "my-trace-42");
        given().header("Authorization", KEY).header("x-request-id", "bad id with spaces").get("/v1/models").then()
                .statusCode(200).header("x-request-id", not(equalTo("bad id with spaces")));
        assertEquals("my-trace-42", given().header("Authorization", KEY).header("x-request-id", "my-trace-42").contentType("application/json")
                .body(chat("gpt-test")).post("/v1/chat/completions").then().extract().header("x-request-id"));
        assertEquals("my-trace-42", upstream.last().headers().get("x-request-id"), "the id travels upstream too");
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static ValidatableResponse fixture(String name) {
        return post("/v1/chat/completions", "{\"model\":\"fixture\",\"fixture\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
}
