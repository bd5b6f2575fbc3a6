package dev.frugal.tenancy.teams;

import dev.frugal.config.Budget;
import dev.frugal.config.DataPolicy;
import dev.frugal.config.Database;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.KeyHash;
import dev.frugal.tenancy.Source;
import dev.frugal.tenancy.keys.KeyRecord;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tables of migration V1 through {@link TeamStore}, on H2 and on PostgreSQL. */
class TeamStoreTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123Z");
    static final TeamConfig RESEARCH = new TeamConfig("research", Set.of(), Set.of("chat-a", "chat-b"),
            List.of(new Budget(500_000_000, Budget.Period.MONTH, true), new Budget(12_345_678, Budget.Period.DAY, false)),
            new Limits(600, 200_000, 8), "gpt-4o");

    @Nested
    class OnH2 extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.H2); }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.POSTGRESQL); }
    }

    abstract static class Cases {
        DataSource ds;
        TeamStore store;

        abstract DataSource fresh();

        @BeforeEach
        void setUp() {
            ds = fresh();
            store = new TeamStore(ds);
        }

        KeyRecord key(String id, String team, String secret) {
            return new KeyRecord(id, team, KeyHash.sha256Hex(secret), secret.substring(0, 8), "ci", T0, null, null,
                    new Limits(60, 0, 0), List.of(new Budget(1_000_000, Budget.Period.WEEK, true)), Source.API);
        }

        @Test
        void aTeamRoundTripsExactly() {
            assertTrue(store.insertTeam(new TeamRecord(RESEARCH, Source.API, T0, T0)));
            TeamRecord back = store.team("research").orElseThrow();
            assertEquals(RESEARCH, back.team());
            assertEquals(Source.API, back.source());
            assertEquals(T0, back.createdAt());
            assertEquals(List.of("research"), store.teams().stream().map(TeamRecord::name).toList());
            assertFalse(store.insertTeam(new TeamRecord(RESEARCH, Source.API, T0, T0)), "duplicate name");
        }

        @Test
        void aDataPolicyIsStoredReadBackAndChanged() {
            TeamConfig local = RESEARCH.withDataPolicy(DataPolicy.LOCAL_ONLY);
            assertTrue(store.insertTeam(new TeamRecord(local, Source.API, T0, T0)));
            assertEquals(DataPolicy.LOCAL_ONLY, store.team("research").orElseThrow().team().dataPolicy());
            store.updateTeam("research", current -> current.team().withDataPolicy(DataPolicy.ANY), T0.plusSeconds(1));
            assertEquals(RESEARCH, store.team("research").orElseThrow().team(), "back to any, stored as null");
            store.upsertConfigTeams(List.of(new TeamConfig("filed", Set.of(KeyHash.sha256Hex("frg-file-key-1")), Set.of(),
                    List.of(), Limits.NONE, null, DataPolicy.LOCAL_ONLY)), T0);
            assertEquals(DataPolicy.LOCAL_ONLY, store.team("filed").orElseThrow().team().dataPolicy(), "a file team's too");
        }

        @Test
        void anUpdateLocksReplacesThePolicyAndKeepsCreatedAt() {
            store.insertTeam(new TeamRecord(RESEARCH, Source.API, T0, T0));
            Instant later = T0.plusSeconds(60);
            TeamConfig smaller = new TeamConfig("research", Set.of(), Set.of(), List.of(), Limits.NONE, null);
            TeamRecord r = store.updateTeam("research", current -> smaller, later).orElseThrow();
            assertEquals(smaller, store.team("research").orElseThrow().team());
            assertEquals(T0, r.createdAt());
            assertEquals(later, store.team("research").orElseThrow().updatedAt());
            assertEquals(Optional.empty(), store.updateTeam("nobody", c -> smaller, later));
            assertThrows(IllegalArgumentException.class, () -> store.updateTeam("research", c -> { throw new IllegalArgumentException(); }, later));
            assertEquals(smaller, store.team("research").orElseThrow().team(), "a failed change is rolled back");
        }

        @Test
        void configTeamsAreUpsertedOnlyWhenTheyChangeAndTakeOverApiTeamsOfTheSameName() {
            TeamConfig fromFile = new TeamConfig("filed", Set.of(KeyHash.sha256Hex("frg-file-key-1")), Set.of("chat-a"), List.of(), Limits.NONE, null);
            assertEquals(List.of("filed"), store.upsertConfigTeams(List.of(fromFile), T0));
            TeamRecord stored = store.team("filed").orElseThrow();
            assertEquals(Source.CONFIG, stored.source());
            assertEquals(Set.of(), stored.team().keyHashes(), "file keys are never stored");
            assertEquals(List.of(), store.upsertConfigTeams(List.of(fromFile), T0.plusSeconds(5)), "unchanged: not rewritten");
            assertEquals(T0, store.team("filed").orElseThrow().updatedAt());

            store.insertTeam(new TeamRecord(RESEARCH, Source.API, T0, T0));
            TeamConfig declared = new TeamConfig("research", Set.of(), Set.of("chat-a"), List.of(), Limits.NONE, null);
            assertEquals(List.of("research"), store.upsertConfigTeams(List.of(declared), T0.plusSeconds(9)));
            TeamRecord taken = store.team("research").orElseThrow();
            assertEquals(Source.CONFIG, taken.source());
            assertEquals(declared, taken.team());
            assertEquals(T0, taken.createdAt());
        }

        @Test
        void keysAreStoredHashedWithTheirPolicyAndFoundOnlyUnderTheirTeam() throws Exception {
            store.insertTeam(new TeamRecord(RESEARCH, Source.API, T0, T0));
            store.insertTeam(new TeamRecord(new TeamConfig("other", Set.of(), Set.of()), Source.API, T0, T0));
            String secret = "frg-SECRETsecretSECRETsecret0123456789abcd";
            KeyRecord k = key("key_" + "A".repeat(24), "research", secret);
            assertTrue(store.insertKey(k));
            assertEquals(List.of(k), store.keys("research"));
            assertEquals(List.of(k), store.keys());
            assertEquals(Optional.of(k), store.key("research", k.id()));
            assertEquals(Optional.empty(), store.key("other", k.id()), "another team's key id is not found");
            assertFalse(store.insertKey(key("key_" + "B".repeat(24), "nobody", "frg-xxxxxxxxxxxxxxxx")), "no such team");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM api_keys")) {
                while (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        String v = rs.getString(i);
                        assertFalse(v != null && v.contains(secret.substring(8)), "column " + rs.getMetaData().getColumnName(i) + " holds the key");
                    }
                    assertEquals(KeyHash.sha256Hex(secret), rs.getString("key_hash"));
                    assertEquals("frg-SECR", rs.getString("prefix"));
                }
            }
        }

        @Test
        void revokingKeepsTheFirstTimeAndRotationIsOneTransaction() {
            store.insertTeam(new TeamRecord(RESEARCH, Source.API, T0, T0));
            KeyRecord k = key("key_" + "C".repeat(24), "research", "frg-rotate-me-0000000000");
            store.insertKey(k);
            KeyRecord fresh = key("key_" + "D".repeat(24), "research", "frg-the-new-one-000000000");
            Instant graceEnd = T0.plusSeconds(3600);
            assertTrue(store.rotateKey("research", k.id(), graceEnd, fresh));
            assertEquals(graceEnd, store.key("research", k.id()).orElseThrow().expiresAt());
            assertEquals(Optional.of(fresh), store.key("research", fresh.id()));

            Instant t1 = T0.plusSeconds(10);
            assertEquals(t1, store.revokeKey("research", k.id(), t1).orElseThrow().revokedAt());
            assertEquals(t1, store.revokeKey("research", k.id(), t1.plusSeconds(5)).orElseThrow().revokedAt());
            assertEquals(Optional.empty(), store.revokeKey("other", fresh.id(), t1));
            assertNull(store.key("research", fresh.id()).orElseThrow().revokedAt());

            KeyRecord clash = key("key_" + "E".repeat(24), "research", "frg-the-new-one-000000000"); // same hash as fresh
            assertFalse(store.rotateKey("research", k.id(), graceEnd, clash), "a revoked key is not rotated");
            assertThrows(IllegalStateException.class, () -> store.rotateKey("research", fresh.id(), graceEnd, clash));
            assertNull(store.key("research", fresh.id()).orElseThrow().expiresAt(), "the failed rotation was rolled back");
        }

        @Test
        void deletingATeamDeletesItsKeys() {
            store.insertTeam(new TeamRecord(RESEARCH, Source.API, T0, T0));
            store.insertKey(key("key_" + "F".repeat(24), "research", "frg-delete-me-00000000"));
            assertEquals(1, store.deleteTeam("research"));
            assertEquals(-1, store.deleteTeam("research"));
            assertEquals(List.of(), store.keys());
        }

        @Test
        void sqlInTextIsStoredAsText() {
            String evil = "x'); DROP TABLE api_keys; --";
            TeamConfig team = new TeamConfig("robert", Set.of(), Set.of(evil), List.of(), Limits.NONE, evil);
            store.insertTeam(new TeamRecord(team, Source.API, T0, T0));
            KeyRecord k = new KeyRecord("key_" + "G".repeat(24), "robert", KeyHash.sha256Hex("frg-k-000000000"), "frg-k-00",
                    evil, T0, null, null, Limits.NONE, List.of(), Source.API);
            store.insertKey(k);
            assertEquals(team, store.team("robert").orElseThrow().team());
            assertEquals(evil, store.keys("robert").get(0).name());
            assertEquals(Optional.empty(), store.team("' OR '1'='1"));
            assertEquals(List.of(), store.keys("' OR '1'='1"));
            assertEquals(Optional.empty(), store.key("robert", "' OR '1'='1"));
            assertNotNull(store.key("robert", k.id()).orElse(null));
        }
    }
}
