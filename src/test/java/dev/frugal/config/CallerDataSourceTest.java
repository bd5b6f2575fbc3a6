package dev.frugal.config;

import dev.frugal.testsupport.FakeTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections of {@link Database#callerDataSource()}: reads time out after the running lane's
 * timeout, and the connection goes back to the pool with the read timeout it had — the pool does
 * not reset it, and the ledger writer, which shares the pool, must never inherit one.
 */
@Tag("unit")
class CallerDataSourceTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    /** One pooled connection: its read timeout (0 = none, as a pool hands it out) and whether it was returned. */
    private static final class Pooled {
        final AtomicInteger networkTimeout = new AtomicInteger();
        final AtomicBoolean returned = new AtomicBoolean();
        final boolean supported;

        Pooled(boolean supported) { this.supported = supported; }

        Connection connection() {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "setNetworkTimeout" -> {
                            if (!supported) throw new SQLFeatureNotSupportedException("embedded");
                            networkTimeout.set((Integer) args[1]);
                            yield null;
                        }
                        case "getNetworkTimeout" -> {
                            if (!supported) throw new SQLFeatureNotSupportedException("embedded");
                            yield networkTimeout.get();
                        }
                        case "isClosed" -> returned.get();
                        case "close" -> {
                            returned.set(true);
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        DataSource dataSource(Connection c) {
            return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("getConnection")) return c;
                        throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    @Test
    void aConnectionReadsWithTheLanesTimeoutAndReturnsToThePoolWithoutIt() throws Exception {
        Pooled pooled = new Pooled(true);
        DataSource callers = new Database.ReadTimeoutDataSource(pooled.dataSource(pooled.connection()), 3_000);
        DatabaseLane reports = new DatabaseLane("reports", "frugal.db.report-timeout", 1, Duration.ofMillis(10_000), vertx,
                new SimpleMeterRegistry(), new FakeTime());
        try {
            int onTheLane = reports.run(() -> {
                try (Connection c = callers.getConnection()) {
                    return c.getNetworkTimeout();
                }
            }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(10_000, onTheLane, "the lane's timeout while in use");
        } finally {
            reports.close();
        }
        assertTrue(pooled.returned.get());
        assertEquals(0, pooled.networkTimeout.get(), "back in the pool with no read timeout, as it came");

        Pooled other = new Pooled(true);
        try (Connection c = new Database.ReadTimeoutDataSource(other.dataSource(other.connection()), 3_000).getConnection()) {
            assertEquals(3_000, c.getNetworkTimeout(), "off a lane (start-up): frugal.db.timeout");
        }
        assertEquals(0, other.networkTimeout.get());
    }

    @Test
    void aConnectionWithoutNetworkIsHandedOutAsItIs() throws Exception {
        Pooled embedded = new Pooled(false);
        Connection c = embedded.connection();
        assertSame(c, new Database.ReadTimeoutDataSource(embedded.dataSource(c), 3_000).getConnection());
    }
}
