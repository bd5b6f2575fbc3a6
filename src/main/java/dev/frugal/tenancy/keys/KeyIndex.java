package dev.frugal.tenancy;

import dev.frugal.config.TeamConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored keys and the teams made through the admin API, as the hot path reads them: built off
 * the event loop from the database, immutable, swapped whole. Revoked and expired keys are kept,
 * so that their callers are told why they are refused.
 *
 * @param keysByHash every issued key by its SHA-256 (hex)
 * @param apiTeams   the teams of source {@link Source#API} by name; teams of the file are read from
 *                   the config snapshot, so a team the file no longer declares has no entry anywhere
 */
public record KeyIndex(Map<String, KeyRecord> keysByHash, Map<String, TeamConfig> apiTeams) {
    public static final KeyIndex EMPTY = new KeyIndex(Map.of(), Map.of());

    public static KeyIndex of(List<TeamRecord> teams, List<KeyRecord> keys) {
        Map<String, KeyRecord> byHash = new HashMap<>(keys.size() * 2);
        for (KeyRecord k : keys) byHash.put(k.hash(), k);
        Map<String, TeamConfig> api = new HashMap<>();
        for (TeamRecord t : teams) if (t.source() == Source.API) api.put(t.name(), t.team());
        return new KeyIndex(Map.copyOf(byHash), Map.copyOf(api));
    }
}
