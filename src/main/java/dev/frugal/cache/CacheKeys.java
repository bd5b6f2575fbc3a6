package dev.frugal.cache;

import dev.frugal.config.CachePolicy;

import java.nio.charset.StandardCharsets;

/**
 * The key of one stored answer, the same in the memory tier and in Redis (which adds its prefix):
 * {@code <team>:<model or route>;<key id>;<request key>}. The team is {@code -} for
 * {@link CachePolicy.Scope#GLOBAL global} answers, the key id {@code -} unless the scope is
 * {@link CachePolicy.Scope#KEY key}. Names are escaped ({@link #tag}) so that the separators
 * appear once each and a purge pattern ({@link #pattern}) matches exactly what it names. Pure.
 */
public final class CacheKeys {
    private CacheKeys() {}

    /**
     * @param requestKey the request's canonical key ({@code RequestView#cacheKey}: SHA-256 hex of the
     *                   fields that change the answer)
     */
    public static String key(CachePolicy.Scope scope, String team, String keyId, String name, String requestKey) {
        String t = scope == CachePolicy.Scope.GLOBAL ? "-" : tag(team);
        String n = tag(name);
        String who = scope == CachePolicy.Scope.KEY ? tag(keyId) : "-";
        return new StringBuilder(t.length() + n.length() + who.length() + requestKey.length() + 3)
                .append(t).append(':').append(n).append(';').append(who).append(';').append(requestKey).toString();
    }

    /**
     * A Redis {@code SCAN} pattern for the answers of {@code team} (its own and its keys'; never the
     * global ones) to {@code name}; null means any. {@code (null, null)} is every answer.
     */
    public static String pattern(String team, String name) {
        return (team == null ? "*" : tag(team)) + ":" + (name == null ? "*" : tag(name)) + ";*";
    }

    /**
     * A name as it appears in a key: letters, digits and {@code . _ / @ -} as they are, every other
     * byte of its UTF-8 as {@code %XX} (so {@code :}, {@code ;} and Redis's glob characters never appear).
     */
    static String tag(String s) {
        if (s == null || s.isEmpty()) return "%";
        for (int i = 0; i < s.length(); i++) {
            if (!plain(s.charAt(i))) return escaped(s);
        }
        return s;
    }

    private static boolean plain(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/'
                || c == '@' || c == '-';
    }

    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && plain(c)) sb.append(c);
            else sb.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
        }
        return sb.toString();
    }
}
