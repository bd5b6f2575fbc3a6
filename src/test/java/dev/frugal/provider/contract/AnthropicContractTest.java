package dev.frugal.provider.contract;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.Secret;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.anthropic.AnthropicFactory;
import io.vertx.core.Vertx;

import java.net.URI;

/** The Anthropic Messages adapter under the provider contract. Embeddings: unsupported (Anthropic has none). */
class AnthropicContractTest extends ProviderContractTest {
    @Override protected String protocol() { return "anthropic"; }

    @Override protected ProviderConfig provider(String fakeBaseUrl) {
        return ProviderConfig.http("anthropic-contract", ProviderKind.ANTHROPIC, URI.create(fakeBaseUrl),
                new Secret("sk-ant-api03-contract-secret"));
    }

    @Override protected Object adapter(ProviderConfig config, UpstreamHttp http, Vertx vertx) {
        return new AnthropicFactory(http, TimeSource.SYSTEM).create(config);
    }
}
