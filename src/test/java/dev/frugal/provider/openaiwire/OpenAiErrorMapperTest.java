package dev.frugal.provider.openaiwire;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.wire.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class OpenAiErrorMapperTest {

    private static final String SECRET = "prov-secret-7f3a9c2e1b";
    private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap();

    private static UpstreamFailure failure(int status, String body) {
        return OpenAiErrorMapper.toFailure("up", status, NO_HEADERS, Buffer.buffer(body), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
    }

    // ---- status → kind --------------------------------------------------------------------

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
            "400, INVALID_REQUEST, false",
            "401, UNAUTHORIZED, false",
            "402, QUOTA_EXHAUSTED, false",
            "403, UNAUTHORIZED, false",
            "404, NOT_FOUND, false",
            "408, TIMEOUT, true",
            "409, INVALID_REQUEST, false",
            "413, INVALID_REQUEST, false",
            "422, INVALID_REQUEST, false",
            "429, RATE_LIMITED, true",
            "500, UPSTREAM_ERROR, true",
            "502, UPSTREAM_ERROR, true",
            "503, OVERLOADED, true",
            "504, TIMEOUT, true",
            "529, OVERLOADED, true"})
    void statusIsClassified(int status, Kind kind, boolean retryable) {
        UpstreamFailure f = failure(status, "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"param\":null,\"code\":null}}");
        assertEquals(kind, f.kind());
        assertEquals(retryable, f.retryable());
        assertEquals(status, f.upstreamStatus());
    }

    @Test
    void rateLimitWithInsufficientQuotaIsQuotaExhaustedAndNotRetryable() {
        UpstreamFailure f = failure(429, "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan "
                + "and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}");
        assertEquals(Kind.QUOTA_EXHAUSTED, f.kind());
        assertFalse(f.retryable());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens.\",\"type\":\"invalid_request_error\","
                    + "\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
            "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens. However, you requested "
                    + "5000 tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"})
    void contextLengthErrorsAreContextTooLong(String body) {
        assertEquals(Kind.CONTEXT_TOO_LONG, failure(400, body).kind());
    }

    // ---- body shapes ----------------------------------------------------------------------

    static Stream<Arguments> bodyShapes() {
        return Stream.of(
                Arguments.of("OpenAI {error:{…}}",
                        "{\"error\":{\"message\":\"Invalid value for 'temperature'.\",\"type\":\"invalid_request_error\","
                                + "\"param\":\"temperature\",\"code\":\"invalid_value\"}}",
                        "Upstream provider 'up' answered HTTP 400: Invalid value for 'temperature'.", "temperature"),
                Arguments.of("{error:\"text\"}", "{\"error\":\"model 'llama9' not found\"}",
                        "Upstream provider 'up' answered HTTP 400: model 'llama9' not found", null),
                Arguments.of("vLLM flat {object:error,message}",
                        "{\"object\":\"error\",\"message\":\"[{'type': 'missing', 'loc': ('body', 'messages')}]\","
                                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}",
                        "Upstream provider 'up' answered HTTP 400: [{'type': 'missing', 'loc': ('body', 'messages')}]", null),
                Arguments.of("HTML from a proxy", "\n<html><body><h1>400 Bad Request</h1></body></html>\n",
                        "Upstream provider 'up' answered HTTP 400: <html><body><h1>400 Bad Request</h1></body></html>", null),
                Arguments.of("empty body", "", "Upstream provider 'up' answered HTTP 400.", null),
                Arguments.of("JSON without a message", "{\"detail\":\"x\"}", "Upstream provider 'up' answered HTTP 400.", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodyShapes")
    void readsEveryErrorBodyShape(String name, String body, String message, String param) {
        UpstreamFailure f = failure(400, body);
        assertEquals(Kind.INVALID_REQUEST, f.kind());
        assertEquals(message, f.getMessage());
        assertEquals(param, f.param());
    }

    @Test
    void longHtmlBodyIsShortened() {
        UpstreamFailure f = failure(502, "<html>" + "x".repeat(5000) + "</html>");
        assertTrue(f.getMessage().length() < 300, f.getMessage());
        assertTrue(f.getMessage().endsWith("…"), f.getMessage());
    }

    @Test
    void unauthorizedNeverRepeatsTheUpstreamMessage() {
        UpstreamFailure f = failure(401, "{\"error\":{\"message\":\"Incorrect API key provided: prov-sec*********1b.\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
        assertEquals("The upstream provider 'up' rejected the gateway's credentials (HTTP 401).", f.getMessage());
    }

    // ---- secrets --------------------------------------------------------------------------

    static Stream<Arguments> secretLeaks() {
        return Stream.of(
                Arguments.of("whole secret", SECRET, "{\"error\":{\"message\":\"bad key " + SECRET + " for org\"}}"),
                Arguments.of("masked prefix", SECRET, "{\"error\":{\"message\":\"bad key prov-secr****1b\"}}"),
                Arguments.of("sk- key", "sk-proj-abcdefghijkl", "{\"error\":{\"message\":\"key sk-proj-abcdefghijkl is bad\"}}"),
                Arguments.of("in an HTML body", SECRET, "<html>Forbidden for token " + SECRET + "</html>"),
                Arguments.of("string error", SECRET, "{\"error\":\"token " + SECRET + " revoked\"}"),
                Arguments.of("short secret", "abc123", "{\"error\":{\"message\":\"api key abc123 is not valid here\"}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secretLeaks")
    void providerSecretNeverAppearsInTheFailure(String name, String secret, String body) {
        for (int status : new int[] {400, 404, 422, 429, 500}) {
            UpstreamFailure f = OpenAiErrorMapper.toFailure("up", status, NO_HEADERS, Buffer.buffer(body), Credentials.ofKey(secret), TimeSource.SYSTEM);
            assertFalse(f.getMessage().contains(secret), f.getMessage());
            assertFalse(f.getMessage().contains(secret.substring(0, Math.min(8, secret.length()))), f.getMessage());
        }
    }

    @Test
    void inBandErrorNeverCarriesTheSecret() {
        UpstreamFailure f = OpenAiErrorMapper.inBand("up", Json.object().put("message", "bad token " + SECRET), Credentials.ofKey(SECRET));
        assertEquals("Upstream provider 'up' reported an error: bad token ***", f.getMessage());
    }

    @Test
    void inBandErrorAsPlainTextIsAnUpstreamError() {
        UpstreamFailure f = OpenAiErrorMapper.inBand("up", new TextNode("something broke"), null);
        assertEquals(Kind.UPSTREAM_ERROR, f.kind());
        assertEquals("Upstream provider 'up' reported an error: something broke", f.getMessage());
    }

    // ---- retry-after ----------------------------------------------------------------------

    @Test
    void failureCarriesRetryAfterFromTheResponse() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("retry-after", "20");
        UpstreamFailure f = OpenAiErrorMapper.toFailure("up", 429, h, Buffer.buffer("{\"error\":{\"message\":\"slow down\"}}"), null, TimeSource.SYSTEM);
        assertEquals(Kind.RATE_LIMITED, f.kind());
        assertEquals(20, f.retryAfterSeconds());
        assertNull(f.param());
        assertEquals(20, f.toClientError().retryAfterSeconds());
    }
}
