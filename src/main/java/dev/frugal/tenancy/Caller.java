package dev.frugal.tenancy;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;

import java.util.List;

/**
 * Who sent a request, once its key is known: the team and the key's own policy. Immutable.
 *
 * @param team       the team the key belongs to (its policy as in force now)
 * @param keyId      a stable, non-secret id of the key: {@code key_…} for keys issued by the admin API,
 *                   {@code cfg_} + the first 12 hex digits of the key's SHA-256 for keys listed in the file
 * @param keyLimits  the key's own rate limits, on top of the team's ({@link Limits#NONE} if none)
 * @param keyBudgets the key's own budgets, on top of the team's (empty if none)
 */
public record Caller(TeamConfig team, String keyId, Limits keyLimits, List<Budget> keyBudgets) {
    public Caller {
        keyBudgets = List.copyOf(keyBudgets);
    }
}
