package dev.frugal.ledger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.frugal.ledger.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded ledger's packs: every field of every row comes back as it went in, and bad input is refused. */
@Tag("unit")
class LedgerPackTest {
    static final Instant HOUR = Instant.parse("2026-11-28T10:00:00Z");

    static List<LedgerRow> roundTrip(List<LedgerRow> rows) {
        List<LedgerRow> out = new ArrayList<>();
        LedgerPack.decode(HOUR, LedgerPack.encode(HOUR, rows), out::add);
        return out;
    }

    @Test
    void everyFieldOfEveryRowComesBack() {
        LedgerRow full = new LedgerRow("req-ü-1", Instant.parse("2026-11-28T10:59:59.999999Z"), "téam ✓", "key9", "chat",
                "auto", "route-a", "openai", "openai/gpt-x", "gpt-x", 502, "upstream_error", Long.MAX_VALUE, 0, 7, 3,
                -5, Long.MIN_VALUE, "2026-11", true, true, 1234, 56, true, true, true, 3, "a=rate_limited;b=ok",
                "cheapest: a 0.7, b 0.9", "gpt-x", 0.8125, 99, 2, 77, "shadow-m", 0, "0af7651916cd43dd8448eb211c80319c");
        LedgerRow sparse = new LedgerRow("req-2", Instant.parse("2026-11-28T10:00:00Z"), "t", null, "embeddings", "m",
                null, null, null, null, 200, null, 0, 0, 0, 0, 0, 0, null, false, false, 0, -1, false, false, false, 0,
                null, null, null, Double.NaN, 0, 0, 0, null, -1, null);
        LedgerRow repeats = new LedgerRow("req-3", Instant.parse("2026-11-28T10:30:00.000001Z"), "téam ✓", "key9", "chat",
                "auto", "route-a", "openai", "openai/gpt-x", "gpt-x", 200, null, 1, 2, 0, 0, 10, 20, "2026-11", false, false,
                5, -1, false, false, false, 1, "a=ok", null, "gpt-x", 0.0, 0, 0, 0, null, -1, null);
        assertEquals(List.of(full, sparse, repeats), roundTrip(List.of(full, sparse, repeats)));
    }

    @Test
    void manyRowsAndLongStringsGrowTheBuffer() {
        List<LedgerRow> rows = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            rows.add(row().id("r" + i).team("team-" + (i % 7)).model("model-" + (i % 13)).latency(i * 37L)
                    .ts(HOUR.plusMillis(i * 1_700L)).cost(i, i * 2L).build());
        }
        rows.add(row().id("x".repeat(5_000)).ts(HOUR).build());
        assertEquals(rows, roundTrip(rows));
    }

    @Test
    void timesAreKeptToTheMicrosecondRoundedAsTheDatabasesStoreThem() {
        LedgerRow r = row().ts(Instant.parse("2026-11-28T10:00:01.123456500Z")).build();
        assertEquals(Instant.parse("2026-11-28T10:00:01.123457Z"), roundTrip(List.of(r)).get(0).ts());
    }

    /** A time that rounds up into the next hour is packed under that hour (else its pack could never be written). */
    @Test
    void aTimeRoundedIntoTheNextHourBelongsToIt() {
        Instant ts = Instant.parse("2026-11-28T10:59:59.9999996Z");
        Instant hour = LedgerPack.hourOf(ts);
        assertEquals(Instant.parse("2026-11-28T11:00:00Z"), hour);
        List<LedgerRow> out = new ArrayList<>();
        LedgerPack.decode(hour, LedgerPack.encode(hour, List.of(row().ts(ts).build())), out::add);
        assertEquals(hour, out.get(0).ts());
    }

    @Test
    void aRowOutsideThePacksHourIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LedgerPack.encode(HOUR, List.of(row().ts("2026-11-28T11:00:00Z").build())));
        assertThrows(IllegalArgumentException.class, () -> LedgerPack.encode(HOUR, List.of(row().ts("2026-11-28T09:59:59Z").build())));
        assertEquals(Instant.parse("2026-11-28T10:00:00Z"), LedgerPack.hourOf(Instant.parse("2026-11-28T10:59:59.999Z")));
        assertEquals(Instant.parse("1969-12-31T23:00:00Z"), LedgerPack.hourOf(Instant.parse("1969-12-31T23:30:00Z")));
    }

    @Test
    void aDamagedPackFailsInsteadOfReadingWrongRows() {
        byte[] data = LedgerPack.encode(HOUR, List.of(row().build(), row().build()));
        byte[] truncated = java.util.Arrays.copyOf(data, data.length - 3);
        assertThrows(RuntimeException.class, () -> LedgerPack.decode(HOUR, truncated, r -> { }));
        byte[] longer = java.util.Arrays.copyOf(data, data.length + 1);
        assertThrows(IllegalStateException.class, () -> LedgerPack.decode(HOUR, longer, r -> { }));
        byte[] future = data.clone();
        future[0] = 4; // version 2, zig-zag encoded
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LedgerPack.decode(HOUR, future, r -> { }));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }
}
