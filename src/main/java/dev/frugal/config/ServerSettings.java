package dev.frugal.config;

/** Gateway-wide settings from the {@code server} section. */
public record ServerSettings(long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
}
