package dev.frugal.provider.gemini;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tool-call ids that carry Gemini's thought signature (provider-protocols.md §5.3).
 *
 * <p>Thinking models attach a {@code thoughtSignature} to the first {@code functionCall} part of a
 * turn, and Gemini 3 rejects the next request with 400 unless that signature comes back on the
 * same part. An OpenAI client only echoes the tool-call id, so the signature travels inside it:
 * {@code call_<letters/digits>_ts_<signature as base64url without padding>}. This keeps the gateway
 * stateless (any replica can rebuild the turn) and the id within {@code [A-Za-z0-9_-]}. The cost is
 * a long id on calls that carry a signature.
 *
 * <p>Pure and stateless.
 */
final class ToolCallIds {
    private static final String MARK = "_ts_";
    /** The base is {@code call_} plus letters and digits, so the first {@code _ts_} after it is the separator. */
    private static final Pattern WITH_SIGNATURE = Pattern.compile("(call_[A-Za-z0-9]+)" + MARK + "([A-Za-z0-9_-]+)");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]+={0,2}");

    private ToolCallIds() {}

    /** The id to hand out for a call made under {@code baseId}, with the signature if the part had a usable one. */
    static String encode(String baseId, String signature) {
        if (signature == null || signature.isEmpty() || !BASE64.matcher(signature).matches()) return baseId;
        String url = signature.replace('+', '-').replace('/', '_');
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '=') end--;
        return baseId + MARK + url.substring(0, end);
    }

    /** The thought signature (standard base64, padded) carried by a tool-call id, or null if it carries none. */
    static String signature(String id) {
        if (id == null) return null;
        Matcher m = WITH_SIGNATURE.matcher(id);
        if (!m.matches()) return null;
        StringBuilder sb = new StringBuilder(m.group(2).replace('-', '+').replace('_', '/'));
        while (sb.length() % 4 != 0) sb.append('=');
        return sb.toString();
    }
}
