package dev.frugal.resilience;

import dev.frugal.config.ConfigHolder;
import dev.frugal.config.FrugalConfig;
import dev.frugal.provider.Probeable;
import dev.frugal.provider.ProviderRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Drives {@link HealthProbes} from a Vert.x periodic timer: every {@value #TICK_MS} ms it starts
 * the probes that are due under each provider's {@code resilience.probe-interval}, for the
 * providers of the config in force. Non-blocking: a tick only looks at the clock and sends GETs.
 */
@Singleton
public class Prober {
    /** How often due probes are looked for; the finest probe interval that is honoured. */
    static final long TICK_MS = 250;

    @Inject ConfigHolder configs;
    @Inject ProviderRegistry providers;
    @Inject Backends backends;
    @Inject Vertx vertx;

    private long timer = -1;

    /** After the config is loaded (whose observer runs at the default priority). */
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000) StartupEvent ev) {
        timer = vertx.setPeriodic(TICK_MS, id -> tick());
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
    }

    void tick() {
        if (!configs.loaded()) return;
        FrugalConfig config = configs.get();
        backends.probes().tick(config.providers().values(), p -> config.resilienceFor(p.name()).probeInterval(),
                p -> providers.adapter(p) instanceof Probeable probeable ? probeable : null);
    }
}
