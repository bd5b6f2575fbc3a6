package dev.frugal.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts the fake upstream and gives the gateway a live copy of {@code frugal-test.yaml}
 * (under {@code target/}, so the hot-reload test may edit it).
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {
    public static final Path LIVE_CONFIG = Path.of("target", "test-config", "frugal.yaml");

    private FakeUpstream upstream;

    @Override
    public Map<String, String> start() {
        try {
            upstream = new FakeUpstream();
            int port = upstream.start();
            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort(); // free once closed: nothing listens there
            }
            Files.createDirectories(LIVE_CONFIG.getParent());
            Files.write(LIVE_CONFIG, original());
            return Map.of("fake.upstream.port", Integer.toString(port),
                    "closed.port", Integer.toString(closedPort),
                    "frugal.config.path", LIVE_CONFIG.toString(),
                    "frugal.config.reload-interval", "200ms");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fake upstream", e);
        }
    }

    /** The shipped test config, as it was before any test edited the live copy. */
    public static byte[] original() throws IOException {
        try (InputStream in = GatewayTestResource.class.getClassLoader().getResourceAsStream("frugal-test.yaml")) {
            return in.readAllBytes();
        }
    }

    /** Replaces the live config file atomically, as a deployment tool would (the gateway then reloads it). */
    public static void writeLiveConfig(String yaml) throws IOException {
        Path tmp = LIVE_CONFIG.resolveSibling("frugal.yaml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, LIVE_CONFIG, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(upstream, new TestInjector.AnnotatedAndMatchesType(InjectFakeUpstream.class, FakeUpstream.class));
    }

    @Override
    public void stop() {
        if (upstream != null) upstream.stop();
    }
}
