package dev.frugal.provider;

import io.vertx.core.Future;

/**
 * An adapter whose backend can be health-checked on a request that costs nothing — its model list
 * or the provider's configured {@code probe-url}, never a billed completion. Implemented by the
 * HTTP adapters through {@link Probes#probe}; resilience's prober calls it.
 */
public interface Probeable {
    /** Succeeds when the backend answered the probe as healthy (see {@link Probes#probe}); fails with a message free of secrets. */
    Future<Void> probe();
}
