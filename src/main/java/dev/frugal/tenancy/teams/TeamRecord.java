package dev.frugal.tenancy.teams;

import dev.frugal.config.TeamConfig;
import dev.frugal.tenancy.Source;

import java.time.Instant;

/** A team as stored: its policy (no key hashes: issued keys are {@link dev.frugal.tenancy.keys.KeyRecord}s), who owns it, when it changed. */
public record TeamRecord(TeamConfig team, Source source, Instant createdAt, Instant updatedAt) {
    public String name() { return team.name(); }
}
