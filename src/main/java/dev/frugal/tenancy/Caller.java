package dev.frugal.tenancy;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;

import java.util.List;

/**
 * Who is calling: the team and, when the key is known by id, the key's own limits and budgets.
 *
 * @param team       the team that owns the key
 * @param keyId      the key's id (never the key itself), or null for a key known only by its hash in the file
 * @param keyLimits  the key's own rate limits (applied on top of the team's), or {@link Limits#NONE}
 * @param keyBudgets the key's own budgets (applied on top of the team's), or empty
 */
public record Caller(TeamConfig team, String keyId, Limits keyLimits, List<Budget> keyBudgets) {
}
