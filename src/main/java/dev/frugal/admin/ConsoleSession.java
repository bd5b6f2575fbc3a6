package dev.frugal.admin;

import io.vertx.ext.web.RoutingContext;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A console session, held by the browser alone: a cookie {@code <payload>.<HMAC-SHA256 of the payload>}, the
 * payload {@code v1|<role>|<team>|<credential id>|<expiry, epoch seconds>|<session id>} in base64url. Any
 * replica with the same secret (derived from the admin key, {@link AdminKey#derive}) accepts it, so sessions
 * need no table and survive a restart; a changed admin key ends them all. The CSRF token is bound to the
 * session: the HMAC of its id ({@link #csrf}), sent back in {@code X-CSRF-Token} (or the form field
 * {@code csrf}) on every change. Neither the key nor its hash is in the cookie. Pure; thread-safe.
 * See docs/decisions/0024-console-sessions.md.
 *
 * @param admin      an admin session (everything), else a team's read-only view of {@code team}
 * @param team       the team of a team session, "" for an admin session
 * @param credential the signed-in credential's id: {@code admin-key:1a2b3c4d}, or the team key's id
 * @param expires    when the session ends
 * @param id         random, names the session (the CSRF token is made from it)
 */
public record ConsoleSession(boolean admin, String team, String credential, Instant expires, String id) {
    private static final String VERSION = "v1";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:/@-]*");
    private static final Object GRANT = new Object();
    private static final String GRANT_KEY = "frugal.console.grant";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public ConsoleSession {
        if (!SAFE.matcher(team).matches() || !SAFE.matcher(credential).matches()) throw new IllegalArgumentException("unsafe session field");
    }

    /** A new session of {@code ttlSeconds} from {@code now}, with a random id. */
    static ConsoleSession start(boolean admin, String team, String credential, Instant now, long ttlSeconds) {
        return new ConsoleSession(admin, team, credential, now.plusSeconds(ttlSeconds), random());
    }

    /** 128 random bits, base64url. */
    static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** The cookie's value, signed with {@code secret}. */
    String seal(byte[] secret) {
        String payload = String.join("|", VERSION, admin ? "admin" : "team", team, credential,
                Long.toString(expires.getEpochSecond()), id);
        String p = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return p + "." + B64.encodeToString(hmac(secret, p));
    }

    /** The session of a cookie's value, if it was signed with {@code secret}, is well formed and has not expired at {@code now}. */
    static Optional<ConsoleSession> open(String cookie, byte[] secret, Instant now) {
        if (cookie == null || cookie.length() > 1024) return Optional.empty();
        int dot = cookie.indexOf('.');
        if (dot <= 0) return Optional.empty();
        String p = cookie.substring(0, dot);
        byte[] mac;
        String[] f;
        try {
            mac = Base64.getUrlDecoder().decode(cookie.substring(dot + 1));
            f = new String(Base64.getUrlDecoder().decode(p), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac, hmac(secret, p))) return Optional.empty();
        if (f.length != 6 || !VERSION.equals(f[0]) || !("admin".equals(f[1]) || "team".equals(f[1]))) return Optional.empty();
        try {
            Instant expires = Instant.ofEpochSecond(Long.parseLong(f[4]));
            if (!now.isBefore(expires)) return Optional.empty();
            return Optional.of(new ConsoleSession("admin".equals(f[1]), f[2], f[3], expires, f[5]));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /** The session's CSRF token. */
    String csrf(byte[] secret) {
        return B64.encodeToString(hmac(secret, "csrf|" + id));
    }

    /** Whether {@code presented} is this session's CSRF token; constant time. */
    boolean csrfMatches(String presented, byte[] secret) {
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                csrf(secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Marks a request the console has checked (session, CSRF, the team's scope) as passing the admin guard once rerouted. */
    static void grant(RoutingContext ctx) {
        ctx.put(GRANT_KEY, GRANT);
    }

    /** Whether the console granted this request ({@link #grant}); nothing from the client can set it. */
    static boolean granted(RoutingContext ctx) {
        return ctx.get(GRANT_KEY) == GRANT;
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
