package dev.frugal.config;

/**
 * Rate limits of a team or a key; 0 means no limit.
 *
 * @param requestsPerMinute requests admitted per minute
 * @param tokensPerMinute   tokens per minute (prompt estimate plus max output at admission, corrected to actual use)
 * @param concurrent        requests in flight at once
 */
public record Limits(long requestsPerMinute, long tokensPerMinute, int concurrent) {
    public static final Limits NONE = new Limits(0, 0, 0);

    public boolean isNone() { return requestsPerMinute == 0 && tokensPerMinute == 0 && concurrent == 0; }
}
