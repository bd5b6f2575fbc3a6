package dev.frugal.api;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On Linux (x86-64 and aarch64, the image's and the chart's platforms) Netty runs on epoll, not Java's NIO
 * selector (decision 0031): the jar is on the class path and Vert.x took it. Elsewhere it falls back to NIO.
 */
@QuarkusTest
class NativeTransportTest {
    @Inject Vertx vertx;

    @Test
    void nettyRunsOnEpollOnLinux() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")), "epoll is Linux's, on x86-64 and aarch64");
        assertTrue(vertx.isNativeTransportEnabled(), "Vert.x fell back to NIO: " + vertx.unavailableNativeTransportCause());
    }
}
