package dev.frugal.tenancy.keys;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.KeyHash;
import dev.frugal.tenancy.Caller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;

/**
 * Finds the caller of a client key, among the keys of the config file and the keys the admin API
 * issued. Keys are compared as SHA-256 hashes: the lookup is by hash (so the time taken says
 * nothing about the key's text), and the match is confirmed in constant time. Pure; no I/O.
 */
public final class KeyAuthenticator {
    private static final int MAX_KEY_LENGTH = 512;

    private KeyAuthenticator() {}

    /** The key in an {@code Authorization: Bearer <key>} header; 401 otherwise. */
    public static String bearerKey(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw GatewayError.unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
        }
        String a = authorization.strip();
        if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw GatewayError.unauthorized("The Authorization header must be 'Bearer <key>'.");
        }
        return a.substring(7);
    }

    /**
     * The caller of a bare key; 401 for an unknown, revoked or expired key, or one whose team is gone.
     *
     * @param config the config snapshot of the request: its file keys, and the policy of the teams it declares
     * @param stored the keys issued by the admin API and the teams it made
     */
    public static Caller authenticateKey(FrugalConfig config, KeyIndex stored, Instant now, String rawKey) {
        String key = rawKey == null ? "" : rawKey.strip();
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) throw incorrect();
        String hex = KeyHash.sha256Hex(key);
        TeamConfig fileTeam = config.teamsByKeyHash().get(hex);
        if (fileTeam != null) {
            confirm(hex, fileTeam.keyHashes().contains(hex) ? hex : "");
            return new Caller(fileTeam, ApiKeys.fileKeyId(hex), Limits.NONE, List.of());
        }
        KeyRecord k = stored.keysByHash().get(hex);
        confirm(hex, k == null ? "" : k.hash());
        switch (k.status(now)) {
            case REVOKED -> throw GatewayError.unauthorized("This API key has been revoked.");
            case EXPIRED -> throw GatewayError.unauthorized("This API key expired at " + k.expiresAt() + ".");
            case ACTIVE -> { }
        }
        TeamConfig team = config.teams().get(k.team()); // the file's policy wins for the teams it declares
        if (team == null) team = stored.apiTeams().get(k.team());
        if (team == null) throw incorrect(); // its team was deleted, or the file no longer declares it
        return new Caller(team, k.id(), k.limits(), k.budgets());
    }

    private static void confirm(String hex, String found) {
        if (!MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII), found.getBytes(StandardCharsets.US_ASCII))) {
            throw incorrect();
        }
    }

    private static GatewayError incorrect() {
        return GatewayError.unauthorized("Incorrect API key provided.");
    }
}
