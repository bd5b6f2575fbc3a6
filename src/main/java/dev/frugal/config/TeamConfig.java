package dev.frugal.config;

import java.util.List;
import java.util.Set;

/**
 * A team, from {@code teams[]} in the file or from the admin API: the one type for a team.
 * Keys from the file are held only as SHA-256 hashes; keys issued by the admin API live in the database.
 *
 * @param models         the model names this team may call; empty means every model
 * @param budgets        spending limits (at most one per period)
 * @param limits         rate limits of the team as a whole
 * @param referenceModel the model its costs are compared with to report savings (a configured model
 *                       or a catalog model name), or null
 * @param dataPolicy     where its requests may go ({@code data-policy}); {@link DataPolicy#ANY} by default
 */
public record TeamConfig(String name, Set<String> keyHashes, Set<String> models, List<Budget> budgets, Limits limits,
                         String referenceModel, DataPolicy dataPolicy) {

    public TeamConfig {
        if (dataPolicy == null) dataPolicy = DataPolicy.ANY;
    }

    public TeamConfig(String name, Set<String> keyHashes, Set<String> models) {
        this(name, keyHashes, models, List.of(), Limits.NONE, null, DataPolicy.ANY);
    }

    public TeamConfig(String name, Set<String> keyHashes, Set<String> models, List<Budget> budgets, Limits limits,
                      String referenceModel) {
        this(name, keyHashes, models, budgets, limits, referenceModel, DataPolicy.ANY);
    }

    /** This team with another data policy. */
    public TeamConfig withDataPolicy(DataPolicy policy) {
        return new TeamConfig(name, keyHashes, models, budgets, limits, referenceModel, policy);
    }

    public boolean mayUse(String model) {
        return models.isEmpty() || models.contains(model);
    }
}
