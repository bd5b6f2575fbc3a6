package dev.frugal.provider.contract;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.Secret;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.openai.OpenAiFactory;
import io.vertx.core.Vertx;

import java.net.URI;

/** The OpenAI-compatible adapter under the provider contract. */
class OpenAiContractTest extends ProviderContractTest {
    @Override protected String protocol() { return "openai"; }

    @Override protected ProviderConfig provider(String fakeBaseUrl) {
        return ProviderConfig.http("openai-contract", ProviderKind.OPENAI, URI.create(fakeBaseUrl + "/v1"), new Secret("test-provider-secret-123"));
    }

    @Override protected Object adapter(ProviderConfig config, UpstreamHttp http, Vertx vertx) {
        return new OpenAiFactory(http, TimeSource.SYSTEM).create(config);
    }
}
