package dev.frugal.config;

/**
 * Gateway-wide settings from the {@code server} section.
 *
 * @param maxBodyBytes largest request body accepted
 * @param maxInFlight  upstream requests in flight at once across the gateway; beyond it new ones
 *                     are shed at once with 503 and Retry-After (0 = unbounded)
 */
public record ServerSettings(long maxBodyBytes, int maxInFlight) {
    public static final ServerSettings DEFAULT = new ServerSettings(Defaults.MAX_BODY_BYTES, Defaults.MAX_IN_FLIGHT);
}
