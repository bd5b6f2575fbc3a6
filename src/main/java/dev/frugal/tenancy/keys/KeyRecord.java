package dev.frugal.tenancy.keys;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.tenancy.Source;

import java.time.Instant;
import java.util.List;

/**
 * A key issued by the admin API, as stored: never the key itself, only its SHA-256 and a display prefix.
 *
 * @param hash      SHA-256 of the key, lowercase hex
 * @param prefix    the key's first characters ({@code frg-AbCd}), to recognise it in lists
 * @param name      a label chosen by the admin, or null
 * @param expiresAt when it stops working, or null for never
 * @param revokedAt when it was revoked, or null
 * @param limits    its own rate limits ({@link Limits#NONE} if none)
 * @param budgets   its own budgets (empty if none)
 */
public record KeyRecord(String id, String team, String hash, String prefix, String name, Instant createdAt,
                        Instant expiresAt, Instant revokedAt, Limits limits, List<Budget> budgets, Source source) {

    /** What a key is at a moment. */
    public enum Status {
        ACTIVE, EXPIRED, REVOKED;

        public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public KeyRecord {
        budgets = List.copyOf(budgets);
    }

    public Status status(Instant now) {
        if (revokedAt != null) return Status.REVOKED;
        if (expiresAt != null && !now.isBefore(expiresAt)) return Status.EXPIRED;
        return Status.ACTIVE;
    }
}
