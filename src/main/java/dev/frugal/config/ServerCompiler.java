package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

/** The top-level {@code server} section. */
final class ServerCompiler {
    private final ConfigReader r;

    ServerCompiler(ConfigReader r) { this.r = r; }

    ServerSettings compile(JsonNode n) {
        if (ConfigReader.isAbsent(n)) return ServerSettings.DEFAULT;
        if (!r.isMap(n, "server")) return null;
        r.allowOnly(n, "server", "max-body-size", "max-in-flight");
        long maxBody = r.size(n.get("max-body-size"), "server.max-body-size", Defaults.MAX_BODY_BYTES);
        int inFlight = (int) r.number(n.get("max-in-flight"), "server.max-in-flight", Defaults.MAX_IN_FLIGHT, 0, 10_000_000);
        return new ServerSettings(maxBody, inFlight);
    }
}
