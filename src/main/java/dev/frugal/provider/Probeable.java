package dev.frugal.provider;

import io.vertx.core.Future;

/**
 * An adapter whose backend can be health-checked on a request that costs nothing — a model list,
 * never a billed completion. Implemented by the HTTP adapters; resilience's prober calls it.
 */
public interface Probeable {
    /** Succeeds when the backend answered the probe with a 2xx; fails with a message free of secrets. */
    Future<Void> probe();
}
