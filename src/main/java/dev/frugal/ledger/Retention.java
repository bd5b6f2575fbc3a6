package dev.frugal.ledger;

import dev.frugal.config.Database;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the raw ledger within {@code frugal.ledger.retention} without bloating it; rollups are kept.
 *
 * <ul>
 *   <li>PostgreSQL: one partition per UTC day ({@code ledger_pYYYYMMDD}), created {@link #DAYS_AHEAD}
 *       days ahead; a partition whose whole day is past the retention is dropped (instant, no dead tuples).
 *       Rows that reached the default partition (a day without a partition yet) are moved into the
 *       day's partition when it is created, and expired ones there are deleted in batches.</li>
 *   <li>H2: packs ({@link LedgerPack}) of hours wholly past the retention are deleted in batches of
 *       {@link #PACK_BATCH}, and the packs of the hour holding the cutoff are rewritten without their expired rows, one
 *       short transaction each, so the writer is never blocked for long. Rows written before the packs (V15) are
 *       deleted team by team through {@code (team, ts)} in batches of {@link #DELETE_BATCH}.</li>
 * </ul>
 * Blocking; run by the ledger's maintenance thread. The partition names and bounds in the DDL are
 * made from dates computed here, never from input.
 */
final class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class);
    static final int DAYS_AHEAD = 7;
    static final int DELETE_BATCH = 10_000;
    static final int PACK_BATCH = 100;
    private static final Pattern PARTITION = Pattern.compile("ledger_p(\\d{8})");
    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;
    /**
     * DDL on a partition needs a strong lock on {@code ledger}: rather than queue behind a long
     * report (and make the writer queue behind us), give up after a few seconds and retry next run.
     */
    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '5s'";

    private final DataSource dataSource;
    private final Database.Dialect dialect;
    private final Duration retention;
    private final Clock clock;

    Retention(DataSource dataSource, Database.Dialect dialect, Duration retention, Clock clock) {
        if (retention.compareTo(Duration.ofDays(1)) < 0) throw new IllegalArgumentException("frugal.ledger.retention must be at least 1d");
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.retention = retention;
        this.clock = clock;
    }

    /** The oldest raw time kept: rows before it are expired. */
    LocalDateTime cutoff() {
        return LocalDateTime.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC);
    }

    /** One maintenance pass. Returns the number of raw rows removed by DELETE (dropped partitions are not counted). */
    long run() throws SQLException {
        if (dialect == Database.Dialect.POSTGRESQL) {
            createPartitions();
            dropExpiredPartitions();
            return logged(deleteExpired("ledger_default"));
        }
        return logged(deleteExpired("ledger_plain") + deleteExpiredPacks());
    }

    private long logged(long removed) {
        if (removed > 0) LOG.infof("Ledger: %d raw rows older than the retention of %s deleted", removed, retention);
        return removed;
    }

    // ---- PostgreSQL partitions ----------------------------------------------------------------

    /** The daily partitions that exist, by day. */
    List<LocalDate> partitions() throws SQLException {
        List<LocalDate> days = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_partition_tree('ledger'::regclass) t "
                     + "JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf")) {
            while (rs.next()) {
                Matcher m = PARTITION.matcher(rs.getString(1));
                if (m.matches()) days.add(LocalDate.parse(m.group(1), YYYYMMDD));
            }
        }
        days.sort(null);
        return days;
    }

    private void createPartitions() throws SQLException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate oldestKept = cutoff().toLocalDate();
        List<LocalDate> existing = partitions();
        // from yesterday (a request that started before midnight) to DAYS_AHEAD days ahead
        for (LocalDate day = max(today.minusDays(1), oldestKept); !day.isAfter(today.plusDays(DAYS_AHEAD)); day = day.plusDays(1)) {
            if (!existing.contains(day)) createPartition(day);
        }
    }

    /** Creates one day's partition in one transaction, moving any of that day's rows out of the default partition. */
    void createPartition(LocalDate day) throws SQLException {
        String name = "ledger_p" + day.format(YYYYMMDD);
        String from = "'" + day + " 00:00:00'";
        String to = "'" + day.plusDays(1) + " 00:00:00'";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(LOCK_TIMEOUT);
                // writers wait a moment for the default partition instead of racing the move below
                s.execute("LOCK TABLE ledger_default IN ACCESS EXCLUSIVE MODE");
                s.execute("CREATE TABLE " + name + " (LIKE ledger INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                s.execute("WITH moved AS (DELETE FROM ledger_default WHERE ts >= " + from + " AND ts < " + to
                        + " RETURNING *) INSERT INTO " + name + " SELECT * FROM moved");
                s.execute("ALTER TABLE ledger ATTACH PARTITION " + name + " FOR VALUES FROM (" + from + ") TO (" + to + ")");
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                if ("42P07".equals(e.getSQLState())) return; // another replica created it first
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        LOG.debugf("Ledger partition %s created", name);
    }

    private void dropExpiredPartitions() throws SQLException {
        LocalDate oldestKept = cutoff().toLocalDate(); // the day holding the cutoff is kept until it is all expired
        for (LocalDate day : partitions()) {
            if (!day.isBefore(oldestKept)) continue;
            String name = "ledger_p" + day.format(YYYYMMDD);
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                try {
                    s.execute(LOCK_TIMEOUT);
                    s.execute("DROP TABLE IF EXISTS " + name);
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
            LOG.infof("Ledger partition %s dropped (older than the retention of %s)", name, retention);
        }
    }

    // ---- batched deletes ----------------------------------------------------------------------

    /** Deletes expired rows of {@code table} (a constant) in short transactions of at most {@link #DELETE_BATCH} rows. */
    private long deleteExpired(String table) throws SQLException {
        LocalDateTime cutoff = cutoff();
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (dialect == Database.Dialect.POSTGRESQL) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table
                        + " WHERE ts < ? LIMIT " + DELETE_BATCH + ")")) {
                    ps.setObject(1, cutoff);
                    total = inBatches(ps);
                }
            } else { // rows from before the packs (V15): team by team through (team, ts), every team with rollups up to the cutoff
                List<String> teams = Reports.teamsWithRollups(c, null, cutoff.toLocalDate());
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE team = ? AND ts < ? FETCH FIRST "
                        + DELETE_BATCH + " ROWS ONLY")) {
                    ps.setObject(2, cutoff);
                    for (String team : teams) {
                        ps.setString(1, team);
                        total += inBatches(ps);
                    }
                }
            }
        }
        return total;
    }

    /** H2: deletes the packs of hours before the cutoff's, and rewrites those of its hour without the expired rows. */
    private long deleteExpiredPacks() throws SQLException {
        LocalDateTime cutoff = cutoff();
        LocalDateTime cutoffHour = cutoff.truncatedTo(ChronoUnit.HOURS);
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement select = c.prepareStatement("SELECT id, row_count FROM ledger_pack WHERE usage_hour < ? ORDER BY usage_hour FETCH FIRST "
                    + PACK_BATCH + " ROWS ONLY");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM ledger_pack WHERE id = ?")) {
                select.setObject(1, cutoffHour);
                int packs;
                do {
                    packs = 0;
                    long rows = 0;
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            delete.setLong(1, rs.getLong(1));
                            delete.addBatch();
                            rows += rs.getInt(2);
                            packs++;
                        }
                    }
                    if (packs > 0) {
                        delete.executeBatch();
                        total += rows;
                    }
                } while (packs == PACK_BATCH);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, usage_hour, data FROM ledger_pack WHERE usage_hour = ? AND ts_min < ?")) {
                ps.setObject(1, cutoffHour);
                ps.setObject(2, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) total += trim(c, rs.getLong(1), rs.getObject(2, LocalDateTime.class), rs.getBytes(3), cutoff);
                }
            }
        }
        return total;
    }

    /** Rewrites one pack without its rows before {@code cutoff} (deletes it when none is left); returns the rows removed. */
    private static int trim(Connection c, long id, LocalDateTime hour, byte[] data, LocalDateTime cutoff) throws SQLException {
        Instant packHour = hour.toInstant(ZoneOffset.UTC);
        List<LedgerRow> kept = new ArrayList<>();
        int[] all = {0};
        LedgerPack.decode(packHour, data, r -> {
            all[0]++;
            if (!LedgerStore.utc(r.ts()).isBefore(cutoff)) kept.add(r);
        });
        if (kept.size() == all[0]) return 0;
        if (kept.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ledger_pack WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_pack SET ts_min = ?, row_count = ?, data = ? WHERE id = ?")) {
                ps.setObject(1, LedgerStore.utc(LedgerPack.earliest(kept)));
                ps.setInt(2, kept.size());
                ps.setBytes(3, LedgerPack.encode(packHour, kept));
                ps.setLong(4, id);
                ps.executeUpdate();
            }
        }
        return all[0] - kept.size();
    }

    /** Runs a delete of at most {@link #DELETE_BATCH} rows (autocommit: a transaction each) until it deletes fewer. */
    private static long inBatches(PreparedStatement ps) throws SQLException {
        long total = 0;
        int n;
        do {
            n = ps.executeUpdate();
            total += n;
        } while (n == DELETE_BATCH);
        return total;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }
}
