package dev.frugal.provider.anthropic;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ProviderFactory;
import dev.frugal.provider.UpstreamHttp;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** Creates adapters for Anthropic's Messages API. */
@Singleton
public class AnthropicFactory implements ProviderFactory {
    private final UpstreamHttp http;
    private final TimeSource time;

    @Inject
    public AnthropicFactory(UpstreamHttp http, TimeSource time) {
        this.http = http;
        this.time = time;
    }

    @Override public ProviderKind kind() { return ProviderKind.ANTHROPIC; }

    @Override public Object create(ProviderConfig config) { return new AnthropicAdapter(config, http, time); }
}
