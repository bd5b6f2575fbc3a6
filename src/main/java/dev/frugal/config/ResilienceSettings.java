package dev.frugal.config;

import java.time.Duration;

/**
 * How calls to one deployment are retried, broken and bounded. The top-level {@code resilience}
 * section sets them over {@link #DEFAULT}; providers, models and routes layer their own sections on
 * top ({@link ResilienceLayers}).
 *
 * @param retries          extra attempts on the same deployment after a retryable failure before the first byte
 * @param backoff          base of the jittered exponential backoff between those attempts
 * @param maxBackoff       cap of one backoff
 * @param maxRetryAfter    longest upstream {@code Retry-After} honoured by waiting; longer ones move to the next deployment
 * @param retryBudget      retries allowed as a fraction of requests (0.2 = at most 20 % extra attempts)
 * @param breakerFailures  consecutive failures that open a deployment's circuit
 * @param breakerCooldown  how long an open circuit stays open before one probe request may pass
 * @param maxConcurrent    requests in flight per deployment (0 = unbounded); beyond it the request waits (maxQueue)
 *                         or the next deployment is used
 * @param firstToken       deadline of one attempt until its first chunk (streams) or its whole answer; past it the
 *                         attempt counts as a timeout and the plan moves on
 * @param total            deadline of a whole streamed response; past it the stream is cut with an in-band error
 * @param breakerFailureRatio the circuit also opens when this fraction of the last {@code breakerWindow} calls failed
 * @param breakerWindow    how many recent calls the failure ratio is taken over (the ratio applies once that many were made)
 * @param probeInterval    how often the provider is health-probed on a free endpoint (0 = never); two failed probes
 *                         in a row make its deployments passed over until a probe succeeds
 * @param maxQueue         requests that may wait for a slot of a full bulkhead, per deployment (0 = none wait: a full
 *                         deployment is passed over at once); only with {@code maxConcurrent > 0}
 * @param queueTimeout     longest wait for a slot (also bounded by {@code firstToken}, which the wait counts against);
 *                         past it the next deployment is used
 */
public record ResilienceSettings(int retries, Duration backoff, Duration maxBackoff, Duration maxRetryAfter, double retryBudget,
                                 int breakerFailures, Duration breakerCooldown, int maxConcurrent, Duration firstToken,
                                 Duration total, Duration probeInterval, double breakerFailureRatio, int breakerWindow,
                                 int maxQueue, Duration queueTimeout) {
    /** The built-in settings, under the file's top-level {@code resilience} section. */
    public static final ResilienceSettings DEFAULT = new ResilienceSettings(Defaults.RETRIES, Defaults.BACKOFF,
            Defaults.MAX_BACKOFF, Defaults.MAX_RETRY_AFTER, Defaults.RETRY_BUDGET, Defaults.BREAKER_FAILURES,
            Defaults.BREAKER_COOLDOWN, Defaults.MAX_CONCURRENT, Defaults.FIRST_TOKEN_TIMEOUT, Defaults.TOTAL_TIMEOUT,
            Defaults.PROBE_INTERVAL, Defaults.BREAKER_FAILURE_RATIO, Defaults.BREAKER_WINDOW, Defaults.MAX_QUEUE,
            Defaults.QUEUE_TIMEOUT);

    /** The same settings with other deadlines (tests, overrides). */
    public ResilienceSettings withDeadlines(Duration firstToken, Duration total) {
        return new ResilienceSettings(retries, backoff, maxBackoff, maxRetryAfter, retryBudget, breakerFailures, breakerCooldown,
                maxConcurrent, firstToken, total, probeInterval, breakerFailureRatio, breakerWindow, maxQueue, queueTimeout);
    }
}
