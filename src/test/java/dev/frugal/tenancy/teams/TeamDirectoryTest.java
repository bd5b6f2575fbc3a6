package dev.frugal.tenancy.teams;

import dev.frugal.config.Budget;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.Database;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.Source;
import dev.frugal.tenancy.keys.IssuedKey;
import dev.frugal.tenancy.keys.KeyRecord;
import dev.frugal.testsupport.FakeTime;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The directory over a real database: the file's teams written at start and on reload, the API's
 * teams left alone, changes reaching a second replica by refresh, and the key lifecycle on a clock
 * the test moves.
 */
class TeamDirectoryTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final String FILE_KEY = "frg-file-key-0001";
    static final String YAML = """
            providers: [{ name: sim, kind: simulator }]
            models:
              - { name: chat-a, deployments: [{ provider: sim }] }
              - { name: chat-b, deployments: [{ provider: sim }] }
            teams:
              - { name: filed, keys: ["%s"], models: [chat-a], limits: { rpm: 10 } }
            """.formatted(FILE_KEY);
    static final Limits KEY_LIMITS = new Limits(5, 500, 1);
    static final List<Budget> KEY_BUDGET = List.of(new Budget(2_500_000, Budget.Period.DAY, true));

    static FrugalConfig compile(String yaml) { return ConfigCompiler.compile(yaml, v -> null); }

    static TeamConfig team(String name, String... models) {
        return new TeamConfig(name, Set.of(), Set.of(models), List.of(), Limits.NONE, null);
    }

    @Nested
    class OnH2 extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.H2); }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.POSTGRESQL); }
    }

    /** Teams and keys are in the database file, not in the process: a new process finds them. */
    @Test
    void teamsAndKeysSurviveARestartOnAnH2File() {
        Path dir = Path.of("target", "tenancy-restart", Long.toHexString(System.nanoTime()));
        String url = "jdbc:h2:file:./" + dir + "/frugal;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        AtomicReference<FrugalConfig> config = new AtomicReference<>(compile(YAML));
        FakeTime clock = new FakeTime(T0);

        JdbcDataSource first = h2File(url);
        Flyway.configure().dataSource(first).locations("classpath:db/migration/h2").load().migrate();
        TeamDirectory before = new TeamDirectory(new TeamStore(first), config::get, clock);
        before.syncConfig(config.get());
        before.createTeam(team("made", "chat-b"));
        String secret = before.issueKey("made", "survivor", null, KEY_LIMITS, KEY_BUDGET).secret();
        // no connection is left open: with H2's default DB_CLOSE_DELAY the file database closes here

        JdbcDataSource second = h2File(url);
        Flyway.configure().dataSource(second).locations("classpath:db/migration/h2").load().migrate(); // nothing to do
        TeamDirectory after = new TeamDirectory(new TeamStore(second), config::get, clock);
        after.syncConfig(config.get());
        Caller c = after.authenticateKey(config.get(), secret);
        assertEquals("made", c.team().name());
        assertEquals(Set.of("chat-b"), c.team().models());
        assertEquals(KEY_LIMITS, c.keyLimits());
        assertEquals(KEY_BUDGET, c.keyBudgets());
        assertEquals("survivor", after.keys("made").get(0).name());
    }

    private static JdbcDataSource h2File(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        return ds;
    }

    abstract static class Cases {
        DataSource ds;
        FakeTime clock;
        AtomicReference<FrugalConfig> config;
        TeamDirectory dir;

        abstract DataSource fresh();

        @BeforeEach
        void setUp() {
            ds = fresh();
            clock = new FakeTime(T0);
            config = new AtomicReference<>(compile(YAML));
            dir = replica();
            dir.syncConfig(config.get());
        }

        /** Another directory on the same database: another replica. */
        TeamDirectory replica() {
            TeamDirectory d = new TeamDirectory(new TeamStore(ds), config::get, clock);
            d.refresh();
            return d;
        }

        Caller auth(TeamDirectory d, String key) { return d.authenticateKey(config.get(), key); }

        GatewayError refused(TeamDirectory d, String key) {
            return assertThrows(GatewayError.class, () -> auth(d, key));
        }

        int status(Runnable r) { return assertThrows(GatewayError.class, r::run).status(); }

        void reload(String yaml) {
            config.set(compile(yaml));
            dir.syncConfig(config.get());
        }

        @Test
        void theFilesTeamsAreStoredAsConfigAndItsKeysWork() {
            TeamRecord filed = dir.team("filed");
            assertEquals(Source.CONFIG, filed.source());
            assertTrue(dir.active(filed));
            assertEquals(new Limits(10, 0, 0), filed.team().limits());
            Caller c = auth(dir, FILE_KEY);
            assertEquals("filed", c.team().name());
            assertTrue(c.keyId().startsWith("cfg_"));
            assertEquals(List.of(), dir.keys("filed"), "file keys are not stored");
        }

        @Test
        void anIssuedKeyAuthenticatesWithItsTeamAndItsOwnPolicy() {
            dir.createTeam(new TeamConfig("made", Set.of(), Set.of("chat-b"), List.of(), new Limits(100, 0, 0), "chat-a"));
            IssuedKey k = dir.issueKey("made", "ci", null, KEY_LIMITS, KEY_BUDGET);
            assertTrue(k.secret().matches("frg-[A-Za-z0-9]{40}"));
            assertEquals(k.secret().substring(0, 8), k.record().prefix());
            Caller c = auth(dir, k.secret());
            assertEquals(new Caller(dir.team("made").team(), k.record().id(), KEY_LIMITS, KEY_BUDGET), c);
            IssuedKey onFileTeam = dir.issueKey("filed", null, null, Limits.NONE, List.of());
            assertEquals(config.get().teams().get("filed"), auth(dir, onFileTeam.secret()).team(), "the file's policy");
        }

        @Test
        void reloadsRewriteTheFilesTeamsAndLeaveTheApisAlone() {
            dir.createTeam(team("made", "chat-b"));
            String made = dir.issueKey("made", null, null, Limits.NONE, List.of()).secret();
            reload(YAML.replace("rpm: 10", "rpm: 20"));
            assertEquals(new Limits(20, 0, 0), dir.team("filed").team().limits());
            assertEquals(Source.API, dir.team("made").source());
            assertEquals(Set.of("chat-b"), auth(dir, made).team().models());

            // the file now declares "made": the file wins, its issued keys keep working under the file's policy
            reload(YAML + "  - { name: made, models: [chat-a] }\n");
            assertEquals(Source.CONFIG, dir.team("made").source());
            assertEquals(Set.of("chat-a"), auth(dir, made).team().models());
        }

        @Test
        void aTeamTheFileNoLongerDeclaresStopsWorkingAndComesBackWithItsKeys() {
            String issued = dir.issueKey("filed", null, null, Limits.NONE, List.of()).secret();
            String without = YAML.substring(0, YAML.indexOf("teams:"));
            reload(without);
            assertEquals(401, refused(dir, FILE_KEY).status());
            assertEquals(401, refused(dir, issued).status());
            assertFalse(dir.active(dir.team("filed")));
            reload(YAML);
            assertEquals("filed", auth(dir, issued).team().name());
            reload(without);
            assertEquals(1, dir.deleteTeam("filed"), "no longer declared: it may be deleted, keys and all");
            reload(YAML);
            assertEquals(401, refused(dir, issued).status(), "declared again, but its old keys are gone");
        }

        @Test
        void theFileOwnsItsTeams() {
            assertEquals(409, status(() -> dir.updateTeam("filed", t -> t)));
            assertEquals(409, status(() -> dir.deleteTeam("filed")));
            GatewayError dup = assertThrows(GatewayError.class, () -> dir.createTeam(team("filed")));
            assertEquals(409, dup.status());
            assertEquals("team_already_exists", dup.code());
            assertEquals(404, status(() -> dir.updateTeam("nobody", t -> t)));
            assertEquals(404, status(() -> dir.deleteTeam("nobody")));
        }

        @Test
        void changesReachAnotherReplicaOnItsNextRefreshAndThisOneAtOnce() {
            TeamDirectory other = replica();
            dir.createTeam(team("made", "chat-b"));
            IssuedKey k = dir.issueKey("made", null, null, Limits.NONE, List.of());
            assertEquals("made", auth(dir, k.secret()).team().name(), "at once where it was made");
            assertEquals(401, refused(other, k.secret()).status(), "not yet on the other replica");
            other.refresh();
            assertEquals("made", auth(other, k.secret()).team().name());

            dir.updateTeam("made", t -> new TeamConfig(t.name(), Set.of(), Set.of("chat-a"), t.budgets(), t.limits(), null));
            dir.revokeKey("made", k.record().id());
            assertTrue(refused(dir, k.secret()).getMessage().contains("revoked"));
            assertEquals(Set.of("chat-b"), auth(other, k.secret()).team().models(), "the other replica's view is older");
            other.refresh();
            assertTrue(refused(other, k.secret()).getMessage().contains("revoked"));
        }

        @Test
        void aKeyExpiresOnTime() {
            IssuedKey k = dir.issueKey("filed", null, T0.plus(Duration.ofHours(1)), Limits.NONE, List.of());
            clock.advance(Duration.ofMinutes(59));
            assertEquals("filed", auth(dir, k.secret()).team().name());
            assertEquals(KeyRecord.Status.ACTIVE, dir.keys("filed").get(0).status(clock.instant()));
            clock.advance(Duration.ofMinutes(1));
            GatewayError e = refused(dir, k.secret());
            assertEquals("invalid_api_key", e.code());
            assertTrue(e.getMessage().contains("expired"), e.getMessage());
            assertEquals(KeyRecord.Status.EXPIRED, dir.keys("filed").get(0).status(clock.instant()));
        }

        @Test
        void aRotatedKeyWorksUntilItsGracePeriodEnds() {
            IssuedKey old = dir.issueKey("filed", "svc", null, KEY_LIMITS, KEY_BUDGET);
            IssuedKey fresh = dir.rotateKey("filed", old.record().id(), Duration.ofHours(1));
            assertEquals("svc", fresh.record().name());
            assertEquals(KEY_LIMITS, fresh.record().limits());
            assertEquals(KEY_BUDGET, fresh.record().budgets());
            assertFalse(fresh.secret().equals(old.secret()));
            clock.advance(Duration.ofMinutes(59));
            assertEquals("filed", auth(dir, old.secret()).team().name());
            assertEquals("filed", auth(dir, fresh.secret()).team().name());
            clock.advance(Duration.ofMinutes(1));
            assertTrue(refused(dir, old.secret()).getMessage().contains("expired"));
            assertEquals(fresh.record().id(), auth(dir, fresh.secret()).keyId());

            assertEquals(409, status(() -> dir.rotateKey("filed", old.record().id(), Duration.ZERO)), "expired");
            dir.revokeKey("filed", fresh.record().id());
            GatewayError revoked = assertThrows(GatewayError.class, () -> dir.rotateKey("filed", fresh.record().id(), Duration.ZERO));
            assertEquals("key_revoked", revoked.code());
        }

        @Test
        void rotationNeverExtendsAKeysLifeAndTheNewKeyKeepsTheExpiry() {
            Instant expiry = T0.plus(Duration.ofMinutes(10));
            IssuedKey old = dir.issueKey("filed", null, expiry, Limits.NONE, List.of());
            IssuedKey fresh = dir.rotateKey("filed", old.record().id(), Duration.ofHours(24));
            assertEquals(expiry, fresh.record().expiresAt());
            KeyRecord oldNow = dir.keys("filed").stream().filter(k -> k.id().equals(old.record().id())).findFirst().orElseThrow();
            assertEquals(expiry, oldNow.expiresAt(), "the sooner of its own expiry and the grace period");
            IssuedKey zero = dir.rotateKey("filed", fresh.record().id(), Duration.ZERO);
            assertEquals(401, refused(dir, fresh.secret()).status(), "grace 0s: the old key stops at once");
            assertEquals("filed", auth(dir, zero.secret()).team().name());
        }

        @Test
        void aKeyIdOfOneTeamIsNotFoundUnderAnother() {
            dir.createTeam(team("a"));
            dir.createTeam(team("b"));
            IssuedKey k = dir.issueKey("a", null, null, Limits.NONE, List.of());
            String id = k.record().id();
            assertEquals(404, status(() -> dir.revokeKey("b", id)));
            assertEquals(404, status(() -> dir.rotateKey("b", id, Duration.ZERO)));
            assertEquals(List.of(), dir.keys("b"));
            assertEquals("a", auth(dir, k.secret()).team().name(), "untouched");
            assertEquals(404, status(() -> dir.keys("nobody")));
            assertEquals(404, status(() -> dir.issueKey("nobody", null, null, Limits.NONE, List.of())));
        }

        @Test
        void deletingATeamEndsItsKeys() {
            dir.createTeam(team("made"));
            IssuedKey k = dir.issueKey("made", null, null, Limits.NONE, List.of());
            assertEquals(1, dir.deleteTeam("made"));
            assertEquals(401, refused(dir, k.secret()).status());
            assertEquals(404, status(() -> dir.team("made")));
        }
    }
}
