package dev.frugal.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration syntax of the config file: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 30d}. */
public final class Durations {
    private static final Pattern P = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /** The duration, or null if the text is not one. */
    public static Duration parse(String text) {
        if (text == null) return null;
        Matcher m = P.matcher(text.trim());
        if (!m.matches()) return null;
        try {
            long v = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(v);
                case "s" -> Duration.ofSeconds(v);
                case "m" -> Duration.ofMinutes(v);
                case "h" -> Duration.ofHours(v);
                default -> Duration.ofDays(v);
            };
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            return null;
        }
    }
}
