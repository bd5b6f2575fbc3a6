package dev.frugal.config;

import java.time.Duration;

/**
 * Gateway-wide settings from the {@code server} section.
 *
 * @param maxBodyBytes             largest request body accepted
 * @param maxInFlight              upstream requests in flight at once across the gateway; beyond it new ones
 *                                 are shed at once with 503 and Retry-After (0 = unbounded)
 * @param headTimeout              longest a client may take to send a whole request head (request line and
 *                                 headers): from its connection's opening for the first request, from the
 *                                 head's first byte for later ones on a kept-alive connection; then 408 and close
 * @param bodyTimeout              longest a client may take to send a whole request body, from its head on;
 *                                 then 408 and close
 * @param idleTimeout              longest a kept-alive connection may wait, with no request in progress, for the
 *                                 next request's first byte; then it is closed. Never applies while an answer
 *                                 (a stream included) is being written
 * @param maxConnectionsPerAddress connections open at once from one client address (IPv6: one /64); further
 *                                 ones are closed as they are accepted (0 = no cap)
 */
public record ServerSettings(long maxBodyBytes, int maxInFlight, Duration headTimeout, Duration bodyTimeout,
                             Duration idleTimeout, int maxConnectionsPerAddress) {
    public static final ServerSettings DEFAULT = new ServerSettings(Defaults.MAX_BODY_BYTES, Defaults.MAX_IN_FLIGHT);

    /** The given body and in-flight limits, the defaults for the rest. */
    public ServerSettings(long maxBodyBytes, int maxInFlight) {
        this(maxBodyBytes, maxInFlight, Defaults.HEAD_TIMEOUT, Defaults.BODY_TIMEOUT, Defaults.CLIENT_IDLE_TIMEOUT,
                Defaults.MAX_CONNECTIONS_PER_ADDRESS);
    }
}
