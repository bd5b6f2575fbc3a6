package dev.frugal.admin;

import dev.frugal.core.KeyHash;

import java.security.MessageDigest;
import java.util.Optional;

/**
 * The admin API's key ({@code FRUGAL_ADMIN_KEY}): the strength rule it must pass for the gateway to
 * start, the only form in which it is held (its SHA-256), and the short id that names it in the
 * audit trail and the log. The key itself is never printed, not even in the start-up refusal.
 * Immutable.
 */
final class AdminKey {
    static final int MIN_LENGTH = 32;
    static final int MIN_DISTINCT = 10;
    static final String RULE = "at least " + MIN_LENGTH + " characters, at least " + MIN_DISTINCT
            + " of them different, and not a shorter sequence repeated";

    private final byte[] hash;
    private final String id;

    private AdminKey(String key) {
        this.hash = KeyHash.sha256(key);
        this.id = KeyHash.sha256Hex(key).substring(0, 8);
    }

    /**
     * The configured key, or empty when none is set (the admin API is off). Surrounding whitespace
     * (a trailing newline from a secret file) is ignored, as it is on a presented key.
     *
     * @throws IllegalStateException naming the variable and the rule, never the key, when it is too weak
     */
    static Optional<AdminKey> fromConfig(Optional<String> configured) {
        return fromConfig(configured, "FRUGAL_ADMIN_KEY", "frugal.admin.key", "the admin key", "the admin API off");
    }

    /** The same for another service key (the metrics key): the same rule, the message naming its own variable. */
    static Optional<AdminKey> fromConfig(Optional<String> configured, String variable, String property, String what, String off) {
        Optional<String> key = configured.map(String::strip).filter(k -> !k.isEmpty());
        key.map(AdminKey::weakness).ifPresent(why -> {
            throw new IllegalStateException(variable + " (" + property + ") is too weak: " + why
                    + ". " + Character.toUpperCase(what.charAt(0)) + what.substring(1) + " must have " + RULE
                    + ". Generate one with `openssl rand -hex 32`, or leave " + variable + " unset to keep " + off + ".");
        });
        return key.map(AdminKey::new);
    }

    /** The key of an {@code Authorization: Bearer <key>} header, or "" when there is none. */
    static String bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : "";
    }

    /** Why {@code key} is too weak for the admin key, or null when it passes the rule. */
    static String weakness(String key) {
        if (key.length() < MIN_LENGTH) return "it is shorter than " + MIN_LENGTH + " characters";
        if (key.chars().distinct().count() < MIN_DISTINCT) return "it has fewer than " + MIN_DISTINCT + " different characters";
        if (repeats(key)) return "it is a shorter sequence repeated";
        return null;
    }

    /** Whether {@code s} is some shorter sequence written twice or more ({@code abcabcabc}). */
    private static boolean repeats(String s) {
        int n = s.length();
        for (int period = 1; period <= n / 2; period++) {
            if (n % period == 0 && s.regionMatches(0, s, period, n - period)) return true;
        }
        return false;
    }

    /** Whether a presented key is this one; constant time in the key's content. */
    boolean matches(String presented) {
        return MessageDigest.isEqual(hash, KeyHash.sha256(presented));
    }

    /**
     * A secret for {@code purpose} derived from the key's hash (HMAC-SHA256 keyed by it): the same on every
     * replica that has the same admin key, changed when the key changes. The console signs its sessions
     * with one (docs/decisions/0024-console-sessions.md).
     */
    byte[] derive(String purpose) {
        return ConsoleSession.hmac(hash, purpose);
    }

    /** The first 8 hex digits of the key's SHA-256: names the credential without revealing it. */
    String id() { return id; }
}
