package dev.frugal.provider.simulator;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ProviderFactory;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.concurrent.ThreadLocalRandom;

/** Creates simulator adapters. */
@Singleton
public class SimulatorFactory implements ProviderFactory {
    @Inject Vertx vertx;
    @Inject TimeSource time;

    @Override public ProviderKind kind() { return ProviderKind.SIMULATOR; }

    @Override public Object create(ProviderConfig config) {
        return new SimulatorAdapter(config, vertx, ThreadLocalRandom.current(), time);
    }
}
