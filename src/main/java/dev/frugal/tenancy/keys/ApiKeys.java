package dev.frugal.tenancy.keys;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.core.KeyHash;
import dev.frugal.tenancy.Source;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The shape of keys and key ids. An issued key is {@code frg-} and 40 base62 characters from a
 * {@link SecureRandom} (about 238 random bits); only its hash and its first 8 characters are kept.
 */
public final class ApiKeys {
    public static final String KEY_PREFIX = "frg-";
    static final int SECRET_CHARS = 40;
    static final int DISPLAY_CHARS = 8;
    private static final char[] BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** {@code key_} and 24 base62 characters: not secret, but not guessable either. */
    public static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("key_[A-Za-z0-9]{24}");

    private final RandomGenerator random;

    ApiKeys(RandomGenerator random) { this.random = random; }

    public ApiKeys() { this(new SecureRandom()); }

    /**
     * A new key of the admin API: a fresh secret and id, the record to store (its hash, never the key).
     *
     * @param name      a label, or null
     * @param expiresAt when it stops working, or null for never
     */
    public IssuedKey issue(String team, String name, Instant createdAt, Instant expiresAt, Limits limits, List<Budget> budgets) {
        String secret = newSecret();
        KeyRecord k = new KeyRecord(newId(), team, KeyHash.sha256Hex(secret), displayPrefix(secret), name, createdAt,
                expiresAt, null, limits, budgets, Source.API);
        return new IssuedKey(k, secret);
    }

    String newSecret() { return KEY_PREFIX + base62(SECRET_CHARS); }

    String newId() { return "key_" + base62(24); }

    /** What lists show of a key: enough to recognise it, far too little to use it. */
    static String displayPrefix(String secret) { return secret.substring(0, DISPLAY_CHARS); }

    /** The id of a key listed in the config file: stable across restarts, derived from the hash, not the key. */
    static String fileKeyId(String hashHex) { return "cfg_" + hashHex.substring(0, 12); }

    private String base62(int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) out[i] = BASE62[random.nextInt(BASE62.length)];
        return new String(out);
    }
}
