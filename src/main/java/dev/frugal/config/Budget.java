package dev.frugal.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;

/**
 * A spending limit over a calendar period (UTC).
 *
 * @param limitMicros the limit in micro-USD
 * @param hard        reject requests once reached (429 {@code budget_exceeded}); otherwise alert only
 */
public record Budget(long limitMicros, Period period, boolean hard) {

    /** Calendar periods in UTC; a week starts on Monday (ISO 8601). */
    public enum Period {
        DAY, WEEK, MONTH;

        /** The first day of the period that contains {@code day}. */
        public LocalDate start(LocalDate day) {
            return switch (this) {
                case DAY -> day;
                case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTH -> day.withDayOfMonth(1);
            };
        }

        /** The first day of the next period after the one that contains {@code day}. */
        public LocalDate next(LocalDate day) {
            LocalDate s = start(day);
            return switch (this) {
                case DAY -> s.plusDays(1);
                case WEEK -> s.plusWeeks(1);
                case MONTH -> s.plusMonths(1);
            };
        }
    }
}
