package dev.frugal.tenancy.keys;

import dev.frugal.config.TeamConfig;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The stored keys and the teams made through the admin API, as the hot path reads them: built off
 * the event loop from the database, immutable, swapped whole. Revoked and expired keys are kept,
 * so that their callers are told why they are refused.
 *
 * @param keysByHash every issued key by its SHA-256 (hex)
 * @param apiTeams   the teams made through the admin API (source {@link dev.frugal.tenancy.Source#API})
 *                   by name; teams of the file are read from the config snapshot, so a team the file
 *                   no longer declares has no entry anywhere
 */
public record KeyIndex(Map<String, KeyRecord> keysByHash, Map<String, TeamConfig> apiTeams) {
    public static final KeyIndex EMPTY = new KeyIndex(Map.of(), Map.of());

    public static KeyIndex of(Collection<KeyRecord> keys, Map<String, TeamConfig> apiTeams) {
        Map<String, KeyRecord> byHash = new HashMap<>(keys.size() * 2);
        for (KeyRecord k : keys) byHash.put(k.hash(), k);
        return new KeyIndex(Map.copyOf(byHash), Map.copyOf(apiTeams));
    }
}
