package dev.frugal.ledger;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Readiness as far as the ledger goes: UP while its queue has room, however long the database is away. */
@Tag("unit")
class LedgerReadinessTest {
    @Test
    void upWhileTheQueueHasRoomDownOnlyOnceRowsWouldBeDropped() {
        assertEquals(HealthCheckResponse.Status.UP, LedgerReadiness.status(0, 100_000).getStatus());
        assertEquals(HealthCheckResponse.Status.UP, LedgerReadiness.status(99_999, 100_000).getStatus(), "the database may be stalled");
        HealthCheckResponse full = LedgerReadiness.status(100_000, 100_000);
        assertEquals(HealthCheckResponse.Status.DOWN, full.getStatus());
        assertEquals("ledger", full.getName());
        assertEquals(100_000L, full.getData().orElseThrow().get("pending"));
    }
}
