package dev.frugal.tenancy.keys;

import dev.frugal.config.Budget;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.KeyHash;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.Source;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key → caller, for keys of the file and keys issued by the admin API; no database. */
@Tag("unit")
class KeyAuthenticatorTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final FrugalConfig CONFIG = ConfigCompiler.compile("""
            providers: [{ name: sim, kind: simulator }]
            models:
              - { name: chat-a, deployments: [{ provider: sim }] }
              - { name: chat-b, deployments: [{ provider: sim }] }
            teams:
              - { name: filed, keys: ["frg-file-key-0001"], models: [chat-a] }
              - { name: keyless, models: [chat-b] }
            """, v -> null);
    static final TeamConfig API_TEAM = new TeamConfig("made", Set.of(), Set.of("chat-b"), List.of(), new Limits(5, 0, 0), null);
    static final Limits KEY_LIMITS = new Limits(1, 2, 3);
    static final List<Budget> KEY_BUDGETS = List.of(new Budget(1_000_000, Budget.Period.DAY, true));

    static KeyRecord key(String secret, String team, Instant expiresAt, Instant revokedAt) {
        return new KeyRecord("key_" + "a".repeat(24), team, KeyHash.sha256Hex(secret), secret.substring(0, 8), null,
                NOW.minusSeconds(60), expiresAt, revokedAt, KEY_LIMITS, KEY_BUDGETS, Source.API);
    }

    /**
     * The index as the directory builds it: the API's teams only. "keyless" is a stored copy of a team
     * the file declares too (made by the API before the file took it over): the file's policy must win;
     * "gone" (a file team the file no longer declares) is in no index at all.
     */
    static KeyIndex index(KeyRecord... keys) {
        TeamConfig keylessStored = new TeamConfig("keyless", Set.of(), Set.of("chat-a", "chat-b"), List.of(), Limits.NONE, null);
        return KeyIndex.of(List.of(keys), Map.of("made", API_TEAM, "keyless", keylessStored));
    }

    static int status(Runnable r) {
        return assertThrows(GatewayError.class, r::run).status();
    }

    @Test
    void aFileKeyGivesItsTeamAndAStableIdDerivedFromTheHash() {
        Caller c = KeyAuthenticator.authenticateKey(CONFIG, index(), NOW, "frg-file-key-0001");
        assertSame(CONFIG.teams().get("filed"), c.team());
        assertEquals("cfg_" + KeyHash.sha256Hex("frg-file-key-0001").substring(0, 12), c.keyId());
        assertEquals(Limits.NONE, c.keyLimits());
        assertEquals(List.of(), c.keyBudgets());
    }

    @Test
    void anIssuedKeyGivesItsTeamWithTheKeysOwnLimitsAndBudgets() {
        String secret = "frg-" + "x".repeat(40);
        Caller c = KeyAuthenticator.authenticateKey(CONFIG, index(key(secret, "made", null, null)), NOW, secret);
        assertEquals(API_TEAM, c.team());
        assertEquals("key_" + "a".repeat(24), c.keyId());
        assertEquals(KEY_LIMITS, c.keyLimits());
        assertEquals(KEY_BUDGETS, c.keyBudgets());
    }

    @Test
    void anIssuedKeyOfATeamTheFileDeclaresGetsTheFilesPolicy() {
        String secret = "frg-" + "y".repeat(40);
        Caller c = KeyAuthenticator.authenticateKey(CONFIG, index(key(secret, "keyless", null, null)), NOW, secret);
        assertSame(CONFIG.teams().get("keyless"), c.team(), "the snapshot's team, not the stored copy");
        assertEquals(Set.of("chat-b"), c.team().models());
    }

    @Test
    void revokedExpiredAndOrphanedKeysAreRefusedWith401AndTheReason() {
        String revoked = "frg-revoked-" + "r".repeat(30);
        String expired = "frg-expired-" + "e".repeat(30);
        String orphan = "frg-orphan-" + "o".repeat(30);
        KeyIndex idx = index(key(revoked, "made", null, NOW.minusSeconds(1)), key(expired, "made", NOW, null),
                key(orphan, "gone", null, null));
        GatewayError r = assertThrows(GatewayError.class, () -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, revoked));
        assertEquals(401, r.status());
        assertEquals("invalid_api_key", r.code());
        assertTrue(r.getMessage().contains("revoked"), r.getMessage());
        GatewayError e = assertThrows(GatewayError.class, () -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, expired));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("expired at 2026-03-01T12:00:00Z"), e.getMessage());
        assertEquals(401, status(() -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, orphan)), "a config team the file no longer declares");
    }

    @Test
    void anExpiringKeyWorksUntilItsExpiry() {
        String secret = "frg-" + "z".repeat(40);
        KeyIndex idx = index(key(secret, "made", NOW.plusSeconds(10), null));
        assertEquals("made", KeyAuthenticator.authenticateKey(CONFIG, idx, NOW.plusSeconds(9), secret).team().name());
        assertEquals(401, status(() -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW.plusSeconds(10), secret)));
    }

    @Test
    void unknownEmptyOverlongAndMalformedKeysAre401() {
        KeyIndex idx = index();
        assertEquals(401, status(() -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, "frg-nobody")));
        assertEquals(401, status(() -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, "")));
        assertEquals(401, status(() -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, null)));
        assertEquals(401, status(() -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, "k".repeat(513))));
        assertEquals(401, status(() -> KeyAuthenticator.authenticateKey(CONFIG, idx, NOW, "' OR '1'='1")));
    }

    @Test
    void theBearerHeaderIsParsed() {
        assertEquals("frg-abc", KeyAuthenticator.bearerKey("Bearer frg-abc"));
        assertEquals("frg-abc", KeyAuthenticator.bearerKey("  bearer frg-abc "));
        assertEquals(401, status(() -> KeyAuthenticator.bearerKey(null)));
        assertEquals(401, status(() -> KeyAuthenticator.bearerKey(" ")));
        assertEquals(401, status(() -> KeyAuthenticator.bearerKey("Basic Zm9vOmJhcg==")));
        assertEquals(401, status(() -> KeyAuthenticator.bearerKey("Bearer")));
    }

    @Test
    void issuedKeysHaveTheAdvertisedShape() {
        ApiKeys keys = new ApiKeys();
        String secret = keys.newSecret();
        assertTrue(secret.matches("frg-[A-Za-z0-9]{40}"), secret);
        assertEquals(secret.substring(0, 8), ApiKeys.displayPrefix(secret));
        assertTrue(ApiKeys.ID.matcher(keys.newId()).matches());
        assertTrue(!secret.equals(keys.newSecret()));
    }
}
