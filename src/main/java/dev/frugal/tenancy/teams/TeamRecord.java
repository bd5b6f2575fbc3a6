package dev.frugal.tenancy;

import dev.frugal.config.TeamConfig;

import java.time.Instant;

/** A team as stored: its policy (no key hashes: issued keys are {@link KeyRecord}s), who owns it, when it changed. */
public record TeamRecord(TeamConfig team, Source source, Instant createdAt, Instant updatedAt) {
    public String name() { return team.name(); }
}
