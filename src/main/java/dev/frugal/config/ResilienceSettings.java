package dev.frugal.config;

import java.time.Duration;

/**
 * How calls to one provider's deployments are retried, broken and bounded. Defaults come from
 * the top-level {@code resilience} section; a provider's own {@code resilience} overrides them.
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
    public static final ResilienceSettings DEFAULT = new ResilienceSettings(1, Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 0.2, 5, Duration.ofSeconds(30), 0, Duration.ofSeconds(60), Duration.ofMinutes(10),
            Duration.ofSeconds(30), 0.5, 20, 0, Duration.ofSeconds(1));

    /** The same settings with other deadlines (tests, overrides). */
    public ResilienceSettings withDeadlines(Duration firstToken, Duration total) {
        return new ResilienceSettings(retries, backoff, maxBackoff, maxRetryAfter, retryBudget, breakerFailures, breakerCooldown,
                maxConcurrent, firstToken, total, probeInterval, breakerFailureRatio, breakerWindow, maxQueue, queueTimeout);
    }
}
