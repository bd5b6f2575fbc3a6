package dev.frugal.ledger;

import java.util.List;

/**
 * One group in one period of a usage report. Money in integer micro-USD; {@link #usd} turns it into
 * an exact decimal.
 *
 * @param period      {@code 2026-11-28T13:00:00Z} (hour), {@code 2026-11-28} (day) or {@code 2026-11} (month)
 * @param group       the values of the query's {@code groupBy}, in its order ("" for a key-less request's key)
 * @param cacheHits        requests the response cache answered
 * @param cacheSavedMicros what those hits saved: the original answers' cost minus what the hits were billed
 * @param p50LatencyMs median latency, or -1 when there were no requests (from raw rows: exact; from rollups:
 *                     interpolated inside the histogram bucket, see {@link LatencyBuckets})
 */
public record ReportRow(String period, List<String> group, long requests, long errors, long promptTokens,
                        long completionTokens, long cachedTokens, long reasoningTokens, long costMicros,
                        long referenceCostMicros, long cacheHits, long unpricedRequests, long estimatedRequests,
                        long cacheSavedMicros, long p50LatencyMs, long p95LatencyMs) {
    public ReportRow {
        group = List.copyOf(group);
    }

    /** What the reference model would have cost minus what was paid (negative when the team paid more). */
    public long savingsMicros() {
        return referenceCostMicros - costMicros;
    }

}
