package dev.frugal.provider.azure;

import dev.frugal.provider.Credentials;
import dev.frugal.provider.UpstreamErrors;
import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.provider.openaiwire.OpenAiErrorMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.time.Clock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies Azure OpenAI error answers: OpenAI's mapping plus Azure's quirks
 * (provider-protocols.md §8.1, §3.3). Pure.
 * <ul>
 *   <li>A content-filter refusal ({@code code: content_filter}, {@code type: null}, an
 *       {@code innererror} naming the filtered categories) is a client error on param
 *       {@code prompt}, with a message that says the content was filtered.</li>
 *   <li>A 429 often comes without {@code retry-after} (its {@code x-ratelimit-*} headers may read
 *       {@code -1}/{@code 0}, which mean nothing); the wait is then read from the message
 *       ("Please retry after 6 seconds").</li>
 * </ul>
 */
final class AzureErrorMapper {
    private static final Pattern RETRY_AFTER_TEXT = Pattern.compile("(?i)retry after (\\d{1,6}) seconds?");

    private AzureErrorMapper() {}

    static UpstreamFailure toFailure(String provider, int status, MultiMap headers, Buffer body, Credentials secret, Clock clock) {
        JsonNode error = UpstreamErrors.errorNode(body);
        if (isContentFilter(error)) return contentFiltered(provider, status, error, secret);
        UpstreamFailure f = OpenAiErrorMapper.toFailure(provider, status, headers, body, secret, clock);
        if (f.kind() == Kind.RATE_LIMITED && f.retryAfterSeconds() < 0) {
            Matcher m = RETRY_AFTER_TEXT.matcher(error.path("message").asText(""));
            if (m.find()) {
                return new UpstreamFailure(f.kind(), f.upstreamStatus(), f.getMessage(), f.param(), Long.parseLong(m.group(1)));
            }
        }
        return f;
    }

    private static boolean isContentFilter(JsonNode error) {
        return "content_filter".equals(error.path("code").asText(null))
                || "ResponsibleAIPolicyViolation".equals(error.path("innererror").path("code").asText(null));
    }

    private static UpstreamFailure contentFiltered(String provider, int status, JsonNode error, Credentials secret) {
        List<String> categories = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : error.path("innererror").path("content_filter_result").properties()) {
            if (e.getValue().path("filtered").asBoolean(false)) categories.add(e.getKey());
        }
        String param = error.hasNonNull("param") ? UpstreamErrors.scrub(error.get("param").asText(), secret) : "prompt";
        String message = "Upstream provider '" + provider + "' (Azure OpenAI) filtered the content: the " + param
                + " triggered Azure's content management policy"
                + (categories.isEmpty() ? "" : " (" + UpstreamErrors.scrub(String.join(", ", categories), secret) + ")")
                + ". Change the " + param + " and try again.";
        // The request itself was refused: a client error, answered at once rather than tried elsewhere.
        return new UpstreamFailure(Kind.INVALID_REQUEST, status, message, param, -1);
    }
}
