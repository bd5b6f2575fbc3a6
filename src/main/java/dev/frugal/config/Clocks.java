package dev.frugal.config;

import dev.frugal.core.TimeSource;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Provides the gateway's {@link TimeSource}: the system's, unless a test supplies its own bean. */
@Singleton
public class Clocks {
    @Produces
    @DefaultBean
    @Singleton
    TimeSource time() {
        return TimeSource.SYSTEM;
    }
}
