package dev.frugal.admin;

import dev.frugal.core.ClientAddress;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed admin authentications per client address. {@code maxFailures} failures within
 * {@code window} lock the address out for {@code lockout}; each further lockout of the same address
 * lasts twice as long as the one before, up to {@code maxLockout}, until the address has stayed
 * quiet (no failure, no lockout) for {@code maxLockout}. While locked out an address is refused before its key is even
 * compared, so guessing cannot go on. A success forgets its own address, never another's.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are remembered, the least recently
 * seen forgotten first. IPv6 clients count per /64 network (one host usually holds a whole /64).
 *
 * <p>Time comes from {@code nanoTime} (monotonic). Thread-safe: a lock per call, taken only for
 * admin requests.
 */
final class AdminThrottle {
    /** What one failure did: the address's failures in the current window, and the lockout it started (zero if none). */
    record Failure(int count, Duration lockout) {}

    private static final class Entry {
        long windowStart;
        int failures;
        long lockedUntil;
        int lockouts;
        long lastFailure;
    }

    private final int maxFailures;
    private final long windowNanos;
    private final long lockoutNanos;
    private final long maxLockoutNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Entry> byAddress;

    AdminThrottle(int maxFailures, Duration window, Duration lockout, Duration maxLockout, int maxAddresses, LongSupplier nanoTime) {
        if (maxFailures < 1 || maxAddresses < 1 || window.isNegative() || lockout.isNegative() || maxLockout.compareTo(lockout) < 0) {
            throw new IllegalArgumentException("admin auth throttle: max-failures and max-addresses >= 1, durations >= 0, max-lockout >= lockout");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.lockoutNanos = lockout.toNanos();
        this.maxLockoutNanos = maxLockout.toNanos();
        this.nanoTime = nanoTime;
        this.byAddress = new LinkedHashMap<>(64, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    /** How long {@code address} must still wait before it may try again; zero when it may try now. */
    synchronized Duration lockedFor(String address) {
        Entry e = byAddress.get(clientKey(address));
        if (e == null) return Duration.ZERO;
        long left = e.lockedUntil - nanoTime.getAsLong();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Records a wrong key from {@code address}. */
    synchronized Failure failed(String address) {
        long now = nanoTime.getAsLong();
        Entry e = byAddress.computeIfAbsent(clientKey(address), a -> new Entry());
        if (e.failures == 0 || now - e.windowStart > windowNanos) {
            e.windowStart = now;
            e.failures = 0;
        }
        if (e.lockouts > 0 && now - Math.max(e.lastFailure, e.lockedUntil) > maxLockoutNanos) e.lockouts = 0; // quiet long enough: forgiven
        e.lastFailure = now;
        int count = ++e.failures;
        if (count < maxFailures) return new Failure(count, Duration.ZERO);
        long lockout = lockoutNanos;
        for (int i = 0; i < e.lockouts && lockout < maxLockoutNanos; i++) lockout *= 2;
        lockout = Math.min(lockout, maxLockoutNanos);
        e.lockouts++;
        e.lockedUntil = now + lockout;
        e.failures = 0;
        return new Failure(count, Duration.ofNanos(lockout));
    }

    /** The right key from {@code address}: its failures are forgotten. */
    synchronized void succeeded(String address) {
        byAddress.remove(clientKey(address));
    }

    synchronized int size() { return byAddress.size(); }

    /** The unit counted: the address itself, or for IPv6 its /64 network ({@link ClientAddress}). */
    static String clientKey(String address) {
        return ClientAddress.key(address);
    }
}
