package dev.frugal.provider.gemini;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ProviderFactory;
import dev.frugal.provider.UpstreamHttp;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** Creates adapters for Google's Gemini API ({@code kind: gemini}). */
@Singleton
public class GeminiFactory implements ProviderFactory {
    private final UpstreamHttp http;
    private final TimeSource time;

    @Inject
    public GeminiFactory(UpstreamHttp http, TimeSource time) {
        this.http = http;
        this.time = time;
    }

    @Override public ProviderKind kind() { return ProviderKind.GEMINI; }

    @Override public Object create(ProviderConfig config) {
        return new GeminiAdapter(config, http, time, IdSource.RANDOM);
    }
}
