package dev.frugal.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Token counts (docs/pricing.md): exact with OpenAI's own tokenizers for OpenAI models, a
 * {@link TokenEstimate} for every other model; and cheap estimates of a request's prompt and
 * output before dispatch, for budget reservations and token rate limits. Thread-safe.
 *
 * <p>The tokenizer tables (~50 MB of heap, ~1 s to build) load in the background on the first
 * exact count; counts asked for meanwhile are estimates, flagged as such. Exact counting runs at
 * roughly 5 million characters per second (o200k) and 12 million (cl100k) on one core: count large
 * texts off the event loop.
 */
@Singleton
public class TokenCounter {
    private static final Logger LOG = Logger.getLogger(TokenCounter.class);

    /** A token count, and whether it came from the model's own tokenizer. */
    public record Count(long tokens, boolean exact) {}

    /** OpenAI's accounting for chat: every message costs this much over its text … */
    static final int TOKENS_PER_MESSAGE = 3;
    /** … one more when it has a name … */
    static final int TOKENS_PER_NAME = 1;
    /** … and the reply is primed with this many. */
    static final int REPLY_PRIMING = 3;
    /** An image part, estimated: OpenAI, one 1024x1024 image at high detail (85 + 4 x 170). */
    static final int IMAGE_TOKENS = 765;
    /** Anthropic: an image of ~1.15 megapixels, its largest before downscaling (pixels / 750). */
    static final int IMAGE_TOKENS_CLAUDE = 1600;
    /** Gemini: 258 tokens per image up to 384 pixels a side (larger ones are tiled; estimated as one). */
    static final int IMAGE_TOKENS_GEMINI = 258;

    private static final Count NOTHING = new Count(0, true);
    private static final Set<String> IMAGE_PARTS = Set.of("image_url", "image", "input_image");
    /** Parts that carry bytes, not text (audio, files, PDFs): not counted. */
    private static final Set<String> BINARY_PARTS = Set.of("input_audio", "audio", "file", "input_file", "document");
    /** Fields that carry data URLs, base64 or signatures, never text the model reads as such. */
    private static final Set<String> BINARY_FIELDS = Set.of("image_url", "input_audio", "file", "source", "data",
            "file_data", "signature", "encrypted_content");
    private static final int MAX_REMEMBERED_MODELS = 4096;
    /** Checked before {@link #CL100K_FAMILIES}, whose {@code gpt-4} would otherwise claim {@code gpt-4.1}. */
    private static final List<String> O200K_FAMILIES = List.of("gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4");
    private static final List<String> CL100K_FAMILIES = List.of("gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002");

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    private final AtomicBoolean loading = new AtomicBoolean();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile Encoding o200k;
    private volatile Encoding cl100k;
    private final Map<String, Optional<EncodingType>> encodings = new ConcurrentHashMap<>();

    /**
     * The tokens of {@code text} for {@code upstreamModel}: exact for OpenAI models once the tables
     * have loaded, else {@link TokenEstimate#estimate}. Special-token markers in the text
     * ({@code <|endoftext|>}) are counted as the ordinary text they are.
     */
    public Count count(String upstreamModel, String text) {
        if (text == null || text.isEmpty()) return NOTHING;
        EncodingType type = encodingForCached(upstreamModel);
        Encoding e = type == null ? null : encoding(type);
        return e != null ? new Count(e.countTokensOrdinary(text), true) : new Count(TokenEstimate.estimate(text), false);
    }

    /**
     * An estimate of the prompt tokens of a request body, before dispatch: the text of a chat body's
     * {@code messages} (content strings and content-part arrays, tool calls, names) plus OpenAI's
     * per-message overhead, Anthropic's {@code system}, the {@code tools}/{@code functions}
     * definitions; a completions body's {@code prompt} or an embeddings body's {@code input} (text, or
     * token ids counted one each). Images count a fixed estimate by model family; audio and files count
     * nothing. Always a {@link TokenEstimate}, never the tokenizer: this runs on the event loop for every
     * request. Never throws: anything that is not text is skipped.
     */
    public long promptTokens(String upstreamModel, ObjectNode body) {
        return prompt(upstreamModel, body, TokenEstimate::estimate);
    }

    /**
     * The prompt tokens of a request body as {@link #promptTokens} counts them, but with the model's
     * own tokenizer where one is known (exact, waiting up to 5 s for the tables to load), else the
     * estimate. CPU-bound and possibly waiting: call it off the event loop.
     */
    public Count promptCount(String upstreamModel, ObjectNode body) {
        EncodingType type = encodingForCached(upstreamModel);
        if (type != null) {
            startLoading();
            try {
                loaded.get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                type = null; // not loaded in time (or not at all): the estimate
            }
        }
        Encoding e = type == null ? null : encoding(type);
        if (e == null) return new Count(promptTokens(upstreamModel, body), false);
        return new Count(prompt(upstreamModel, body, e::countTokensOrdinary), true);
    }

    private static long prompt(String upstreamModel, ObjectNode body, ToLongFunction<String> count) {
        if (body == null) return 0;
        long t = 0;
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                t += TOKENS_PER_MESSAGE + text(m, upstreamModel, false, count);
                if (m.isObject() && m.has("name")) t += TOKENS_PER_NAME;
            }
            t += REPLY_PRIMING;
        }
        t += text(body.get("system"), upstreamModel, false, count);
        t += text(body.get("tools"), upstreamModel, true, count);
        t += text(body.get("functions"), upstreamModel, true, count);
        t += inputs(body.get("prompt"), count);
        t += inputs(body.get("input"), count);
        return t;
    }

    /**
     * The output limit a request body sets: {@code max_completion_tokens}, else {@code max_tokens}
     * (a whole number ≥ 0), else -1 (none: use the model's, see {@link Pricing#maxOutputTokens}).
     */
    public long maxTokens(ObjectNode body) {
        if (body == null) return -1;
        long v = whole(body.get("max_completion_tokens"));
        return v >= 0 ? v : whole(body.get("max_tokens"));
    }

    /** Loads the tokenizer tables now and waits for them, for callers that need exact counts from the first one. */
    public TokenCounter preload() {
        startLoading();
        loaded.join();
        return this;
    }

    /**
     * The OpenAI tokenizer of a model, or null when it is not an OpenAI model: o200k_base for the
     * gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3 and o4 families; cl100k_base for gpt-4, gpt-3.5
     * (Azure's gpt-35), text-embedding-3 and text-embedding-ada-002. A {@code provider/} prefix is ignored.
     */
    static EncodingType encodingFor(String model) {
        if (model == null) return null;
        String m = model.trim().toLowerCase(Locale.ROOT);
        m = m.substring(m.lastIndexOf('/') + 1);
        for (String f : O200K_FAMILIES) {
            if (family(m, f)) return EncodingType.O200K_BASE;
        }
        for (String f : CL100K_FAMILIES) {
            if (family(m, f)) return EncodingType.CL100K_BASE;
        }
        return null;
    }

    /** {@code m} is {@code f} or {@code f} followed by a separator ({@code gpt-4o-mini}, {@code gpt-5.1}; not {@code gpt-4o} for {@code gpt-4}). */
    private static boolean family(String m, String f) {
        return m.startsWith(f) && (m.length() == f.length() || !Character.isLetterOrDigit(m.charAt(f.length())));
    }

    private EncodingType encodingForCached(String model) {
        if (model == null) return null;
        Optional<EncodingType> t = encodings.get(model);
        if (t == null) {
            t = Optional.ofNullable(encodingFor(model));
            if (encodings.size() < MAX_REMEMBERED_MODELS) encodings.put(model, t);
        }
        return t.orElse(null);
    }

    private Encoding encoding(EncodingType type) {
        Encoding e = type == EncodingType.O200K_BASE ? o200k : cl100k;
        if (e == null) startLoading();
        return e;
    }

    private void startLoading() {
        if (!loading.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try {
                cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
                o200k = registry.getEncoding(EncodingType.O200K_BASE);
                loaded.complete(null);
            } catch (RuntimeException | Error e) {
                LOG.error("Cannot load the tokenizer tables; token counts stay estimates", e);
                loaded.completeExceptionally(e);
            }
        }, "frugal-tokenizer-load");
        t.setDaemon(true);
        t.start();
    }

    // ---- request bodies -------------------------------------------------------------------

    /**
     * Estimated tokens of every string under {@code n}. Messages ({@code definitions} false): image and
     * binary parts and fields are skipped. Tool definitions ({@code definitions} true): field names count
     * too, and nothing is skipped (a parameter may well be called {@code source}).
     */
    private static long text(JsonNode n, String model, boolean definitions, ToLongFunction<String> count) {
        if (n == null) return 0;
        if (n.isTextual()) return count.applyAsLong(n.textValue());
        long t = 0;
        if (n.isArray()) {
            for (JsonNode c : n) t += text(c, model, definitions, count);
        } else if (n.isObject()) {
            JsonNode type = n.get("type");
            if (!definitions && type != null && type.isTextual()) {
                if (IMAGE_PARTS.contains(type.textValue())) return imageTokens(model);
                if (BINARY_PARTS.contains(type.textValue())) return 0;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (definitions) t += count.applyAsLong(f.getKey());
                else if (BINARY_FIELDS.contains(f.getKey())) continue;
                t += text(f.getValue(), model, definitions, count);
            }
        }
        return t; // numbers, booleans, null: not text
    }

    /** A {@code prompt} or {@code input}: a string, token ids (one token each), or arrays of those. */
    private static long inputs(JsonNode n, ToLongFunction<String> count) {
        if (n == null) return 0;
        if (n.isTextual()) return count.applyAsLong(n.textValue());
        if (n.isNumber()) return 1;
        long t = 0;
        if (n.isArray()) for (JsonNode c : n) t += inputs(c, count);
        return t;
    }

    private static int imageTokens(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        if (m.contains("claude")) return IMAGE_TOKENS_CLAUDE;
        if (m.contains("gemini")) return IMAGE_TOKENS_GEMINI;
        return IMAGE_TOKENS;
    }

    private static long whole(JsonNode n) {
        if (n == null || !n.isNumber()) return -1;
        if (n.isIntegralNumber()) return n.canConvertToLong() && n.longValue() >= 0 ? n.longValue() : -1;
        double d = n.doubleValue();
        return d >= 0 && d == Math.rint(d) && d < 9.0e18 ? (long) d : -1;
    }
}
