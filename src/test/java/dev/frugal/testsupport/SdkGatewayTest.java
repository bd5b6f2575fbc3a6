package dev.frugal.testsupport;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URL;

/**
 * Base of the end-to-end tests that drive the gateway with the official OpenAI Java SDK against
 * {@link FakeUpstream}: a fresh client per test (no SDK retries, so every attempt seen is the
 * gateway's) and a cleared upstream record.
 */
public abstract class SdkGatewayTest {
    /** The key of team {@code e2e}, which may call every model of {@code frugal-test.yaml}. */
    public static final String E2E_KEY = "frg-test-e2e-key";

    @TestHTTPResource("/v1")
    protected URL base;

    @InjectFakeUpstream
    protected FakeUpstream upstream;

    protected OpenAIClient client;

    /** The key the test's client sends. */
    protected String key() { return E2E_KEY; }

    @BeforeEach
    void openClient() {
        upstream.clear();
        client = client(key());
    }

    @AfterEach
    void closeClient() { client.close(); }

    protected OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(base.toString()).apiKey(key).maxRetries(0).build();
    }
}
