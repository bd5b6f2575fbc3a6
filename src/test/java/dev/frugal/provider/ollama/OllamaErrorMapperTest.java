package dev.frugal.provider.ollama;

import dev.frugal.provider.Credentials;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@Tag("unit")
class OllamaErrorMapperTest {
    private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "error-400, 400, INVALID_REQUEST, 'Upstream provider ''box'' answered HTTP 400: \"llama3.2:latest\" does not support thinking'",
            "error-404, 404, NOT_FOUND, 'Upstream provider ''box'' answered HTTP 404: model ''llama9'' not found'",
            "error-503, 503, OVERLOADED, 'Upstream provider ''box'' answered HTTP 503: server busy, please try again.  maximum pending requests exceeded'"})
    void fixtureErrorsAreClassified(String caseName, int status, Kind kind, String message) {
        UpstreamFailure f = OllamaErrorMapper.toFailure("box", status, NO_HEADERS, Buffer.buffer(Fixtures.bytes(caseName, "response.json")), null, TimeSource.SYSTEM);
        assertEquals(kind, f.kind());
        assertEquals(status, f.upstreamStatus());
        assertEquals(message, f.getMessage());
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({"401, UNAUTHORIZED", "403, UNAUTHORIZED", "408, TIMEOUT", "413, INVALID_REQUEST", "429, RATE_LIMITED",
            "500, UPSTREAM_ERROR", "502, UPSTREAM_ERROR", "504, TIMEOUT", "529, OVERLOADED"})
    void statusIsClassified(int status, Kind kind) {
        assertEquals(kind, OllamaErrorMapper.toFailure("box", status, NO_HEADERS, Buffer.buffer("{\"error\":\"x\"}"), null, TimeSource.SYSTEM).kind());
    }

    @Test
    void retryAfterIsRead() {
        UpstreamFailure f = OllamaErrorMapper.toFailure("box", 429, MultiMap.caseInsensitiveMultiMap().add("retry-after", "3"),
                Buffer.buffer("{\"error\":\"too many requests\"}"), null, TimeSource.SYSTEM);
        assertEquals(3, f.retryAfterSeconds());
    }

    @Test
    void htmlFromAProxyIsShortenedAndTheSecretNeverShows() {
        String secret = "proxy-token-abcdef123";
        UpstreamFailure f = OllamaErrorMapper.toFailure("box", 502, NO_HEADERS,
                Buffer.buffer("<html>bad gateway for " + secret + "</html>"), Credentials.ofKey(secret), TimeSource.SYSTEM);
        assertEquals("Upstream provider 'box' answered HTTP 502: <html>bad gateway for ***</html>", f.getMessage());
        UpstreamFailure unauthorized = OllamaErrorMapper.toFailure("box", 401, NO_HEADERS,
                Buffer.buffer("{\"error\":\"bad key " + secret + "\"}"), Credentials.ofKey(secret), TimeSource.SYSTEM);
        assertFalse(unauthorized.getMessage().contains("proxy-to"));
    }

    @Test
    void emptyBodyStillNamesTheStatus() {
        assertEquals("Upstream provider 'box' answered HTTP 500.",
                OllamaErrorMapper.toFailure("box", 500, NO_HEADERS, Buffer.buffer(), null, TimeSource.SYSTEM).getMessage());
    }
}
