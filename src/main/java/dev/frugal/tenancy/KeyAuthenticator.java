package dev.frugal.tenancy;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.KeyHash;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Finds the team of a client key. Keys are compared as SHA-256 hashes: the lookup is by hash
 * (so the time taken says nothing about the key's text), and the match is confirmed in constant
 * time. Pure.
 */
public final class KeyAuthenticator {
    private static final int MAX_KEY_LENGTH = 512;

    private KeyAuthenticator() {}

    /** The team that owns the key in an {@code Authorization: Bearer <key>} header; 401 otherwise. */
    public static TeamConfig authenticate(FrugalConfig config, String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw GatewayError.unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
        }
        String a = authorization.strip();
        if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw GatewayError.unauthorized("The Authorization header must be 'Bearer <key>'.");
        }
        return authenticateKey(config, a.substring(7));
    }

    /** The team that owns a bare key, as Anthropic clients send it in {@code x-api-key}; 401 otherwise. */
    public static TeamConfig authenticateKey(FrugalConfig config, String rawKey) {
        String key = rawKey == null ? "" : rawKey.strip();
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) throw GatewayError.unauthorized("Incorrect API key provided.");
        byte[] hash = KeyHash.sha256(key);
        String hex = HexFormat.of().formatHex(hash);
        TeamConfig team = config.teamsByKeyHash().get(hex);
        if (team == null || !MessageDigest.isEqual(hex.getBytes(), matchOf(team, hex).getBytes())) {
            throw GatewayError.unauthorized("Incorrect API key provided.");
        }
        return team;
    }

    private static String matchOf(TeamConfig team, String hex) {
        return team.keyHashes().contains(hex) ? hex : "";
    }
}
