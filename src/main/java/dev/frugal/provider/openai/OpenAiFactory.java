package dev.frugal.provider.openai;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ProviderFactory;
import dev.frugal.provider.UpstreamHttp;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** Creates adapters for OpenAI-compatible servers. */
@Singleton
public class OpenAiFactory implements ProviderFactory {
    private final UpstreamHttp http;
    private final TimeSource time;

    @Inject
    public OpenAiFactory(UpstreamHttp http, TimeSource time) {
        this.http = http;
        this.time = time;
    }

    @Override public ProviderKind kind() { return ProviderKind.OPENAI; }

    @Override public Object create(ProviderConfig config) { return new OpenAiAdapter(config, http, time); }
}
