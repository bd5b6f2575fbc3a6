package dev.frugal.provider;

import dev.frugal.config.ProviderConfig;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every credential value configured for one provider, to be kept out of anything a client may
 * read: the API key, every extra {@code headers:} value (and the token after a scheme such as
 * {@code Bearer}), and the user-info and query values of the base URL and the probe URL. Built
 * once per adapter from its {@link ProviderConfig}; immutable, so shared across event loops.
 * Besides the key, values shorter than {@value #MIN_LENGTH} characters (e.g. a header {@code on})
 * are not credentials and are left alone, or every message would be shredded.
 */
public final class Credentials {
    /** The shortest value treated as a credential. */
    public static final int MIN_LENGTH = 6;
    public static final Credentials NONE = new Credentials(null, List.of());

    private final String key;
    private final List<String> values; // longest first, so a value containing another is masked whole

    private Credentials(String key, List<String> values) {
        this.key = key;
        this.values = values;
    }

    /** The credentials of one provider's configuration. */
    public static Credentials of(ProviderConfig config) {
        Set<String> v = new LinkedHashSet<>();
        String key = config.apiKey() == null ? null : config.apiKey().reveal();
        if (key != null && !key.isEmpty()) v.add(key); // the key is a credential whatever its length
        if (config.headers() != null) {
            for (String h : config.headers().values()) {
                add(v, h);
                int space = h == null ? -1 : h.indexOf(' ');
                if (space > 0) add(v, h.substring(space + 1).strip()); // "Bearer <token>", "Basic <b64>"
            }
        }
        fromUrl(v, config.baseUrl());
        fromUrl(v, config.probeUrl());
        return build(key, v);
    }

    /** Only an API key (tests, callers without a config); null or empty for none. */
    public static Credentials ofKey(String key) {
        Set<String> v = new LinkedHashSet<>();
        if (key != null && !key.isEmpty()) v.add(key);
        return build(key, v);
    }

    private static Credentials build(String key, Set<String> v) {
        List<String> sorted = new ArrayList<>(v);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new Credentials(key == null || key.isEmpty() ? null : key, List.copyOf(sorted));
    }

    /**
     * {@code message} with every credential replaced by {@code ***}, then the API key's first
     * {@code keyPrefix} characters (providers print masked keys by their prefix).
     */
    public String mask(String message, int keyPrefix) {
        if (message == null) return null;
        String m = message;
        for (String s : values) m = m.replace(s, "***");
        if (key != null && key.length() >= keyPrefix) m = m.replace(key.substring(0, keyPrefix), "***");
        return m;
    }

    /** Null-safe {@link #mask}: no credentials mask nothing. */
    public static String mask(String message, Credentials credentials, int keyPrefix) {
        return credentials == null ? message : credentials.mask(message, keyPrefix);
    }

    private static void fromUrl(Set<String> v, URI u) {
        if (u == null) return;
        String info = u.getRawUserInfo();
        if (info != null) {
            addRawAndDecoded(v, info);
            int colon = info.indexOf(':');
            if (colon >= 0) addRawAndDecoded(v, info.substring(colon + 1));
        }
        String query = u.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq >= 0) addRawAndDecoded(v, pair.substring(eq + 1));
            }
        }
    }

    private static void addRawAndDecoded(Set<String> v, String raw) {
        add(v, raw);
        try {
            add(v, URLDecoder.decode(raw, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            // the raw form is masked; a malformed escape has no decoded form
        }
    }

    private static void add(Set<String> v, String value) {
        if (value != null && value.length() >= MIN_LENGTH) v.add(value);
    }

    @Override public String toString() { return "Credentials[" + values.size() + " values]"; }
}
