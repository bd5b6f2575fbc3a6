package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/** The top-level {@code server} section. */
final class ServerCompiler {
    /** A client deadline must leave a client time to send anything at all, and cannot outlast a day. */
    private static final Duration MIN_CLIENT_TIMEOUT = Duration.ofMillis(100), MAX_CLIENT_TIMEOUT = Duration.ofDays(1);

    private final ConfigReader r;

    ServerCompiler(ConfigReader r) { this.r = r; }

    ServerSettings compile(JsonNode n) {
        if (ConfigReader.isAbsent(n)) return ServerSettings.DEFAULT;
        if (!r.isMap(n, "server")) return null;
        r.allowOnly(n, "server", "max-body-size", "max-in-flight", "head-timeout", "body-timeout", "idle-timeout",
                "max-connections-per-address");
        long maxBody = r.size(n.get("max-body-size"), "server.max-body-size", Defaults.MAX_BODY_BYTES);
        int inFlight = (int) r.number(n.get("max-in-flight"), "server.max-in-flight", Defaults.MAX_IN_FLIGHT, 0, 10_000_000);
        Duration head = clientTimeout(n, "head-timeout", Defaults.HEAD_TIMEOUT);
        Duration body = clientTimeout(n, "body-timeout", Defaults.BODY_TIMEOUT);
        Duration idle = clientTimeout(n, "idle-timeout", Defaults.CLIENT_IDLE_TIMEOUT);
        int perAddress = (int) r.number(n.get("max-connections-per-address"), "server.max-connections-per-address",
                Defaults.MAX_CONNECTIONS_PER_ADDRESS, 0, 1_000_000);
        if (ConfigReader.isFractional(n.get("max-connections-per-address"))) {
            r.error("server.max-connections-per-address", "must be a whole number");
        }
        return new ServerSettings(maxBody, inFlight, head, body, idle, perAddress);
    }

    private Duration clientTimeout(JsonNode n, String field, Duration fallback) {
        String path = "server." + field;
        Duration d = r.duration(n.get(field), path, fallback);
        if (d.compareTo(MIN_CLIENT_TIMEOUT) < 0 || d.compareTo(MAX_CLIENT_TIMEOUT) > 0) {
            r.error(path, "must be between 100ms and 1d");
            return fallback;
        }
        return d;
    }
}
