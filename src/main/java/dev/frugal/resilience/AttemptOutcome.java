package dev.frugal.resilience;

import dev.frugal.core.UpstreamFailure;

import java.util.Locale;

/**
 * How one deployment of a plan fared: called and answered, called and failed (one outcome per
 * {@link UpstreamFailure.Kind}), passed over without a call, or — on a cascade route — answered and
 * escalated to the next model because the answer failed the route's check. {@link #tag()} is the metric tag.
 */
public enum AttemptOutcome {
    SUCCESS, RATE_LIMITED, OVERLOADED, TIMEOUT, NETWORK, UPSTREAM_ERROR, PROTOCOL, UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND,
    CONTEXT_TOO_LONG, QUOTA_EXHAUSTED, SKIPPED_OPEN, SKIPPED_COOLING, SKIPPED_CAPACITY, SKIPPED_PROBE_DOWN, ESCALATED;

    private static final AttemptOutcome[] BY_KIND = new AttemptOutcome[UpstreamFailure.Kind.values().length];

    static {
        for (UpstreamFailure.Kind k : UpstreamFailure.Kind.values()) BY_KIND[k.ordinal()] = valueOf(k.name());
    }

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() { return tag; }

    /** The outcome of a call that failed with this kind. */
    public static AttemptOutcome of(UpstreamFailure.Kind kind) { return BY_KIND[kind.ordinal()]; }

    /** The outcome of a deployment passed over for this reason. */
    static AttemptOutcome of(BackendState.Admission refusal) {
        return switch (refusal) {
            case CIRCUIT_OPEN -> SKIPPED_OPEN;
            case COOLING_DOWN -> SKIPPED_COOLING;
            case AT_CAPACITY -> SKIPPED_CAPACITY;
            case PROBE_DOWN -> SKIPPED_PROBE_DOWN;
            case ADMITTED, QUEUED -> throw new IllegalArgumentException("not a refusal");
        };
    }
}
