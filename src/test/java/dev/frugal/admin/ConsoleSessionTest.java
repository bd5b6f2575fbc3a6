package dev.frugal.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's signed session cookie and its CSRF token, without a server. */
@Tag("unit")
class ConsoleSessionTest {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void aSealedSessionOpensWithItsSecretUntilItExpires() {
        ConsoleSession s = ConsoleSession.start(false, "research", "key_abc123", NOW, 3600);
        String cookie = s.seal(SECRET);
        assertEquals(s, ConsoleSession.open(cookie, SECRET, NOW.plusSeconds(3599)).orElseThrow());
        assertTrue(ConsoleSession.open(cookie, SECRET, NOW.plusSeconds(3600)).isEmpty(), "expired");
        assertTrue(ConsoleSession.open(cookie, OTHER, NOW).isEmpty(), "another replica's admin key");
    }

    @Test
    void aChangedPayloadOrSignatureIsRefused() {
        String cookie = ConsoleSession.start(false, "research", "key_abc123", NOW, 3600).seal(SECRET);
        int dot = cookie.indexOf('.');
        String payload = new String(Base64.getUrlDecoder().decode(cookie.substring(0, dot)), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.replace("|team|", "|admin|").getBytes(StandardCharsets.UTF_8));
        assertTrue(ConsoleSession.open(forged + cookie.substring(dot), SECRET, NOW).isEmpty(), "a team session made admin");
        assertTrue(ConsoleSession.open(cookie.substring(0, dot) + ".AAAA", SECRET, NOW).isEmpty());
        for (String junk : new String[] {"", ".", "x", "x.y", "%%%.%%%", "a".repeat(2000)}) {
            assertTrue(ConsoleSession.open(junk, SECRET, NOW).isEmpty(), junk);
        }
        assertTrue(ConsoleSession.open(null, SECRET, NOW).isEmpty());
    }

    @Test
    void theCsrfTokenIsBoundToTheSession() {
        ConsoleSession a = ConsoleSession.start(true, "", "admin-key:1a2b3c4d", NOW, 3600);
        ConsoleSession b = ConsoleSession.start(true, "", "admin-key:1a2b3c4d", NOW, 3600);
        assertNotEquals(a.id(), b.id());
        assertTrue(a.csrfMatches(a.csrf(SECRET), SECRET));
        assertFalse(a.csrfMatches(b.csrf(SECRET), SECRET), "another session's token");
        assertFalse(a.csrfMatches(a.csrf(OTHER), SECRET));
        assertFalse(a.csrfMatches(null, SECRET));
        assertFalse(a.csrfMatches("", SECRET));
    }

    @Test
    void aFieldThatCouldSplitThePayloadIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ConsoleSession.start(false, "a|admin", "key_x", NOW, 60));
    }
}
