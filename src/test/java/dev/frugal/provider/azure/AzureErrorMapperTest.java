package dev.frugal.provider.azure;

import dev.frugal.provider.Credentials;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Azure's error answers, read from the fixtures the end-to-end test replays. */
@Tag("unit")
class AzureErrorMapperTest {
    private static final String SECRET = "azure-key-0123456789abcdef";

    private static Buffer fixture(String name) throws IOException {
        try (InputStream in = AzureErrorMapperTest.class.getClassLoader().getResourceAsStream("fixtures/azure/" + name + "/response.json")) {
            return Buffer.buffer(in.readAllBytes());
        }
    }

    @Test
    void contentFilterRefusalIsAClientErrorOnThePrompt() throws IOException {
        UpstreamFailure f = AzureErrorMapper.toFailure("az", 400, MultiMap.caseInsensitiveMultiMap(), fixture("content-filter"), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
        assertEquals(Kind.INVALID_REQUEST, f.kind());
        assertFalse(f.retryable());
        assertEquals("prompt", f.param());
        assertEquals("Upstream provider 'az' (Azure OpenAI) filtered the content: the prompt triggered Azure's content "
                + "management policy (violence). Change the prompt and try again.", f.getMessage());
        GatewayError e = f.toClientError();
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
    }

    @Test
    void rateLimitWithoutRetryAfterReadsTheWaitFromTheMessage() throws IOException {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("x-ratelimit-limit-tokens", "-1").add("x-ratelimit-remaining-tokens", "-1")
                .add("x-ratelimit-reset-tokens", "0").add("x-ratelimit-remaining-requests", "0");
        UpstreamFailure f = AzureErrorMapper.toFailure("az", 429, headers, fixture("error-429"), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
        assertEquals(Kind.RATE_LIMITED, f.kind());
        assertEquals(6, f.retryAfterSeconds());
        assertTrue(f.getMessage().startsWith("Upstream provider 'az' answered HTTP 429: Requests to the ChatCompletions_Create"),
                f.getMessage());
    }

    @Test
    void aRetryAfterHeaderWinsOverTheMessage() throws IOException {
        UpstreamFailure f = AzureErrorMapper.toFailure("az", 429, MultiMap.caseInsensitiveMultiMap().add("retry-after", "2"),
                fixture("error-429"), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
        assertEquals(2, f.retryAfterSeconds());
    }

    @Test
    void rateLimitWithNoHintAtAllHasNoRetryAfter() {
        UpstreamFailure f = AzureErrorMapper.toFailure("az", 429, MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("{\"error\":{\"code\":\"429\",\"message\":\"Too many requests.\"}}"), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
        assertEquals(Kind.RATE_LIMITED, f.kind());
        assertEquals(-1, f.retryAfterSeconds());
    }

    @Test
    void badKeyIsUnauthorizedAndNeverEchoesTheKey() throws IOException {
        UpstreamFailure f = AzureErrorMapper.toFailure("az", 401, MultiMap.caseInsensitiveMultiMap(), fixture("error-401"), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
        assertEquals(Kind.UNAUTHORIZED, f.kind());
        assertFalse(f.getMessage().contains(SECRET.substring(0, 8)));
    }

    @Test
    void unknownDeploymentIsNotFound() throws IOException {
        UpstreamFailure f = AzureErrorMapper.toFailure("az", 404, MultiMap.caseInsensitiveMultiMap(), fixture("error-404"), Credentials.ofKey(SECRET), TimeSource.SYSTEM);
        assertEquals(Kind.NOT_FOUND, f.kind());
        assertTrue(f.getMessage().contains("DeploymentNotFound") || f.getMessage().contains("deployment"), f.getMessage());
    }
}
