package dev.frugal.ledger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The latency histogram: buckets, percentiles, and the columns of both migrations. */
@Tag("unit")
class LatencyBucketsTest {
    @Test
    void bucketsAreUpperInclusive() {
        assertEquals(0, LatencyBuckets.bucket(0));
        assertEquals(0, LatencyBuckets.bucket(10));
        assertEquals(1, LatencyBuckets.bucket(11));
        assertEquals(LatencyBuckets.COUNT - 2, LatencyBuckets.bucket(300_000));
        assertEquals(LatencyBuckets.COUNT - 1, LatencyBuckets.bucket(300_001));
    }

    @Test
    void percentilesInterpolateInsideTheBucket() {
        long[] counts = new long[LatencyBuckets.COUNT];
        assertEquals(-1, LatencyBuckets.percentile(counts, 0.5), "nothing counted");
        counts[LatencyBuckets.bucket(150)] = 10; // ten requests in (100, 150]
        assertEquals(125, LatencyBuckets.percentile(counts, 0.5));
        assertEquals(148, LatencyBuckets.percentile(counts, 0.95));
        counts[LatencyBuckets.COUNT - 1] = 90; // ninety beyond the last bound
        assertEquals(300_000, LatencyBuckets.percentile(counts, 0.5), "the overflow bucket answers its lower bound");
        assertEquals(150, LatencyBuckets.percentile(counts, 0.10));
    }

    @Test
    void bothMigrationsHaveExactlyTheHistogramColumns() throws Exception {
        for (String vendor : List.of("h2", "postgresql")) {
            String sql;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("db/migration/" + vendor + "/V2__ledger.sql")) {
                sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> columns = new ArrayList<>();
            Matcher m = Pattern.compile("\\b(lat_(?:le|gt)_\\d+)\\s+bigint").matcher(sql);
            while (m.find()) columns.add(m.group(1));
            assertEquals(LatencyBuckets.COLUMNS, columns, vendor);
        }
    }
}
