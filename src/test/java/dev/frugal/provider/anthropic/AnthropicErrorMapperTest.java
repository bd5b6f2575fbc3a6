package dev.frugal.provider.anthropic;

import dev.frugal.provider.Credentials;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.wire.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Error classification beyond the fixture cases. */
@Tag("unit")
class AnthropicErrorMapperTest {
    static final String SECRET = "sk-ant-api03-abcdefghijklmnop";

    static UpstreamFailure failure(int status, String body, MultiMap headers) {
        return AnthropicErrorMapper.toFailure("claude", status, headers, Buffer.buffer(body), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
    }

    @ParameterizedTest(name = "HTTP {0} → {1}")
    @CsvSource({"402,QUOTA_EXHAUSTED", "408,TIMEOUT", "409,INVALID_REQUEST", "422,INVALID_REQUEST", "503,OVERLOADED",
            "504,TIMEOUT", "502,UPSTREAM_ERROR", "418,INVALID_REQUEST"})
    void statusesWithoutAFixtureAreClassifiedToo(int status, Kind kind) {
        assertEquals(kind, failure(status, "{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"m\"}}", null).kind());
    }

    @Test
    void anOverloadedTypeIsOverloadedWhateverTheStatus() {
        assertEquals(Kind.OVERLOADED, failure(500, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", null).kind());
    }

    @Test
    void overloadedKeepsItsRetryAfterAndMillisecondsWin() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("retry-after", "20").add("retry-after-ms", "1500");
        UpstreamFailure f = failure(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", h);
        assertEquals(2, f.retryAfterSeconds());
        assertTrue(f.retryable());
        assertEquals(503, f.toClientError().status(), "529 is not a status OpenAI clients know");
    }

    @Test
    void anUnreadableRetryAfterIsIgnoredAndAPastDateMeansNow() {
        MultiMap garbage = MultiMap.caseInsensitiveMultiMap().add("retry-after", "soon");
        assertEquals(-1, failure(429, "{}", garbage).retryAfterSeconds());
        MultiMap past = MultiMap.caseInsensitiveMultiMap().add("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT");
        assertEquals(0, failure(429, "{}", past).retryAfterSeconds());
    }

    @Test
    void bodiesThatAreNotAnthropicsShapeStillGiveAMessage() {
        UpstreamFailure f = failure(502, "<html><body>Bad gateway</body></html>", null);
        assertEquals(Kind.UPSTREAM_ERROR, f.kind());
        assertTrue(f.getMessage().contains("Bad gateway"));
        assertTrue(failure(500, "", null).getMessage().endsWith("HTTP 500."));
    }

    @Test
    void theProviderKeyNeverReachesTheClient() {
        UpstreamFailure f = failure(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"key "
                + SECRET + " and prefix sk-ant-ap… and another sk-ant-api03-zzzzzzzzzz\"}}", null);
        assertFalse(f.getMessage().contains("abcdefghijklmnop"), f.getMessage());
        assertFalse(f.getMessage().contains("zzzzzzzzzz"), f.getMessage());
        UpstreamFailure unauthorized = failure(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"" + SECRET + "\"}}", null);
        assertFalse(unauthorized.getMessage().contains(SECRET.substring(0, 10)), "the upstream's 401 text is not relayed at all");
        assertEquals(502, unauthorized.toClientError().status(), "our key failed, not the client's");
    }

    @Test
    void inBandErrorsUseTheirTypeNotTheStatus() throws Exception {
        assertEquals(Kind.OVERLOADED, AnthropicErrorMapper.inBand("claude",
                Json.parse("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"), Credentials.ofKey(SECRET)).kind());
        assertEquals(Kind.UPSTREAM_ERROR, AnthropicErrorMapper.inBand("claude", Json.parse("{\"type\":\"error\"}"), Credentials.ofKey(SECRET)).kind());
    }
}
