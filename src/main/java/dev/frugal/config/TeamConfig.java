package dev.frugal.config;

import java.util.Set;

/**
 * A team from {@code teams[]}. Keys are held only as SHA-256 hashes.
 *
 * @param models the model names this team may call; empty means every model
 */
public record TeamConfig(String name, Set<String> keyHashes, Set<String> models) {
    public boolean mayUse(String model) {
        return models.isEmpty() || models.contains(model);
    }
}
