package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code server} section's client deadlines and per-address cap: defaults, values, problems. */
@Tag("unit")
class ServerSettingsTest {
    static final String REST = """
            providers: [{name: sim, kind: simulator}]
            models: [{name: m, deployments: [{provider: sim}]}]
            """;

    static ServerSettings server(String server) {
        return ConfigCompiler.compile(server + REST, v -> null).server();
    }

    @Test
    void defaultsBoundEveryClient() {
        ServerSettings s = server("");
        assertEquals(Duration.ofSeconds(10), s.headTimeout());
        assertEquals(Duration.ofSeconds(30), s.bodyTimeout());
        assertEquals(Duration.ofSeconds(60), s.idleTimeout());
        assertEquals(1024, s.maxConnectionsPerAddress());
        assertEquals(s, server("server: {max-body-size: 4MiB}\n"));
    }

    @Test
    void eachIsSet() {
        ServerSettings s = server("server: {head-timeout: 2s, body-timeout: 2m, idle-timeout: 500ms, max-connections-per-address: 0}\n");
        assertEquals(new ServerSettings(Defaults.MAX_BODY_BYTES, Defaults.MAX_IN_FLIGHT, Duration.ofSeconds(2), Duration.ofMinutes(2),
                Duration.ofMillis(500), 0), s);
    }

    @Test
    void badValuesNameTheField() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> server(
                "server: {head-timeout: 0s, body-timeout: soon, idle-timeout: 2d, max-connections-per-address: 2.5, read-timeout: 1s}\n"));
        assertEquals(List.of(
                "server.read-timeout: unknown field (did you mean 'head-timeout'?)",
                "server.head-timeout: must be between 100ms and 1d",
                "server.body-timeout: must be a duration such as 250ms, 5s or 2m",
                "server.idle-timeout: must be between 100ms and 1d",
                "server.max-connections-per-address: must be a whole number"), e.problems());
    }
}
