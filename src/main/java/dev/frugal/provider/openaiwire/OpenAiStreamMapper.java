package dev.frugal.provider.openaiwire;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.Operation;
import dev.frugal.provider.ThinkSplitter;
import dev.frugal.wire.Json;

import java.util.Iterator;
import java.util.Map;

/**
 * Normalises the SSE events of one OpenAI-compatible stream into what an OpenAI client expects:
 * drops usage chunks the client did not ask for, keeps the last usage seen (also under
 * {@code x_groq}), drops chunks and choices that carry nothing for the client (Azure's
 * content-filter results), maps finish reasons, turns error events into failures, and synthesises a
 * finish chunk when the upstream ended cleanly without one; reasoning is normalised by
 * {@link OpenAiReasoning} (chat only). Chunks it does not change are passed on byte for byte.
 * Pure; one instance per stream, not thread-safe.
 */
final class OpenAiStreamMapper {

    /** What one upstream event means for the relay. */
    sealed interface Step permits Forward, Skip, Done, Failed {}
    record Forward(String json) implements Step {}
    record Skip() implements Step {}
    record Done() implements Step {}
    record Failed(UpstreamFailure failure) implements Step {}

    private static final Skip SKIP = new Skip();
    private final String provider;
    private final Credentials secret;
    private final Operation operation;
    private final boolean clientWantsUsage;
    /** The field that carries a choice's content: {@code delta} in chat chunks, {@code text} in text completions. */
    private final String contentKey;
    /** The key as it appears in JSON text: {@code "text"}, not the {@code text} of {@code "text_completion"}. */
    private final String quotedContentKey;
    /** Null for text completions, whose chunks carry no reasoning. */
    private final OpenAiReasoning reasoning;
    private Usage usage = Usage.NONE;
    private boolean sawToolCalls;
    private boolean sawFinish;
    /** A chunk with at least one choice arrived: the stream answered something. */
    private boolean sawChoice;
    private boolean done;
    private String id;
    private String model;
    private long created;
    /**
     * The first chunk passed on unparsed while no chunk read had given the stream's id (Azure's first has an empty
     * one): read only if a chunk must be synthesised before one does (every chunk of a stream carries the same id,
     * model and creation time).
     */
    private String firstUnread;
    /**
     * A chunk was read whole. The first always is: an upstream whose stream is not OpenAI chunks fails before
     * anything reached the client, while another deployment can still answer.
     */
    private boolean readOne;

    OpenAiStreamMapper(String provider, Credentials secret, Operation operation, boolean clientWantsUsage) {
        this(provider, secret, operation, clientWantsUsage, Reasoning.SPLIT, false, 1);
    }

    /**
     * @param reasoning what the deployment does with {@code <think>} in content
     * @param prefilled the deployment's chat template already opened {@code <think>}
     * @param choices   the number of choices the client asked for ({@code n})
     */
    OpenAiStreamMapper(String provider, Credentials secret, Operation operation, boolean clientWantsUsage,
                       Reasoning reasoning, boolean prefilled, int choices) {
        this.provider = provider;
        this.secret = secret;
        this.operation = operation;
        this.clientWantsUsage = clientWantsUsage;
        this.contentKey = operation == Operation.CHAT ? "delta" : "text";
        this.quotedContentKey = '"' + contentKey + '"';
        this.reasoning = operation == Operation.CHAT ? new OpenAiReasoning(reasoning, prefilled, choices) : null;
    }

    Step map(String event, String data) {
        if (done) return SKIP;
        String trimmed = data.strip();
        if (trimmed.isEmpty()) return SKIP;
        if (trimmed.equals("[DONE]")) {
            done = true;
            return new Done();
        }
        if (readOne && plainDelta(trimmed) && trimmed.contains(quotedContentKey)
                && (reasoning == null || reasoning.nothingToDo(trimmed))) {
            sawChoice = true; // a plain delta carries a choice's content
            if (id == null && firstUnread == null) firstUnread = trimmed;
            return new Forward(trimmed); // most chunks: nothing to look at
        }
        JsonNode node;
        try {
            node = Json.parse(trimmed);
        } catch (Exception e) {
            return new Failed(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' sent a stream event that is not JSON."));
        }
        if (!node.isObject()) {
            return new Failed(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "Upstream provider '" + provider + "' sent a stream event that is not a JSON object."));
        }
        if (node.has("error") || "error".equals(event)) {
            return new Failed(OpenAiErrorMapper.inBand(provider, node.has("error") ? node.get("error") : node, secret));
        }
        ObjectNode chunk = (ObjectNode) node;
        readOne = true;
        boolean changed = false;
        remember(chunk);
        Usage u = OpenAiUsage.toCore(chunk);
        if (u != null) usage = u;
        JsonNode choices = chunk.get("choices");
        if (choices instanceof ArrayNode arr && dropChoicesWithoutContent(arr)) changed = true;
        boolean noChoices = choices == null || !choices.isArray() || choices.isEmpty();
        if (!noChoices) sawChoice = true;
        // Azure opens with prompt_filter_results and choices: [] (empty id, model and object), and
        // sends content-filter annotations whose choices carry no delta, even after the finish
        // chunk. Such a chunk means nothing to an OpenAI client and would break one that reads
        // choices[0].delta, or trips over the empty id; it is dropped (provider-protocols.md §8.1, §8.8).
        if (noChoices && u == null) return SKIP;
        if (u != null && !clientWantsUsage) {
            if (noChoices) return SKIP;
            chunk.remove("usage");
            changed = true;
        }
        if (chunk.remove("timings") != null) changed = true;
        boolean reasoningChanged = false;
        if (choices instanceof ArrayNode arr) {
            for (JsonNode c : arr) {
                if (!(c instanceof ObjectNode choice)) continue;
                int index = choice.path("index").asInt(0);
                if (reasoning != null && choice.get("delta") instanceof ObjectNode delta) reasoningChanged |= reasoning.delta(index, delta);
                JsonNode calls = choice.path("delta").get("tool_calls");
                if (calls != null && calls.isArray() && !calls.isEmpty()) sawToolCalls = true;
                JsonNode fr = choice.get("finish_reason");
                if (fr != null && fr.isTextual()) {
                    sawFinish = true;
                    if ("error".equals(fr.asText())) {
                        return new Failed(new UpstreamFailure(UpstreamFailure.Kind.UPSTREAM_ERROR,
                                "Upstream provider '" + provider + "' ended the generation with an error."));
                    }
                    if (reasoning != null) {
                        ObjectNode delta = choice.get("delta") instanceof ObjectNode d ? d : choice.putObject("delta");
                        reasoningChanged |= reasoning.finish(index, delta);
                    }
                    String mapped = FinishReasons.toOpenAi(fr.asText(), sawToolCalls);
                    if (!mapped.equals(fr.asText())) {
                        choice.put("finish_reason", mapped);
                        changed = true;
                    }
                }
            }
        }
        if (reasoningChanged && carriesNothing(chunk)) return SKIP; // all of it held back by a splitter
        return new Forward(changed || reasoningChanged ? Json.write(chunk) : trimmed);
    }

    /** A chunk with no usage and choices whose every field is null or empty: nothing for a client. */
    private static boolean carriesNothing(ObjectNode chunk) {
        JsonNode u = chunk.get("usage");
        if (u != null && !u.isNull()) return false;
        for (JsonNode c : chunk.path("choices")) {
            if (c.hasNonNull("finish_reason") || c.hasNonNull("logprobs")) return false;
            for (Iterator<JsonNode> it = c.path("delta").elements(); it.hasNext(); ) if (!it.next().isNull()) return false;
        }
        return true;
    }

    /**
     * Called when the upstream connection ended. Returns the chunk to synthesise (a missing finish
     * chunk), null when nothing is missing, or throws when the stream was cut off.
     */
    String atEnd(boolean incompleteEvent) {
        if (incompleteEvent) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' was cut off in the middle of an event.");
        }
        if (!sawChoice && usage == Usage.NONE) {
            // e.g. only `choices: []` chunks, then [DONE]: no answer at all, not an empty one (issue 10)
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' ended without any choice or usage.");
        }
        if (!done && !sawFinish) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                    "The stream from upstream provider '" + provider + "' ended before it was complete.");
        }
        Map<Integer, ThinkSplitter.Parts> held = reasoning == null ? Map.of() : reasoning.unfinished();
        if (sawFinish && held.isEmpty()) return null;
        if (id == null && firstUnread != null) {
            try {
                if (Json.parse(firstUnread) instanceof ObjectNode first) remember(first);
            } catch (Exception e) {
                // it was forwarded as it came; a synthesised chunk then has no id, as when no chunk had one
            }
        }
        ObjectNode c = Json.object();
        c.put("id", id == null ? "" : id).put("object", operation.chunkObject()).put("created", created)
                .put("model", model == null ? "" : model);
        ArrayNode choices = c.putArray("choices");
        if (sawFinish) { // only a choice that never finished had text held back
            held.forEach((index, parts) -> OpenAiReasoning.write(choices.addObject().put("index", index).putObject("delta"), parts));
            return Json.write(c);
        }
        java.util.SortedSet<Integer> indexes = new java.util.TreeSet<>(held.keySet());
        indexes.add(0);
        for (int index : indexes) {
            ObjectNode choice = choices.addObject().put("index", index);
            if (operation == Operation.CHAT) OpenAiReasoning.write(choice.putObject("delta"), held.getOrDefault(index, ThinkSplitter.Parts.EMPTY));
            else choice.put("text", "");
            choice.put("finish_reason", sawToolCalls ? "tool_calls" : "stop");
        }
        return Json.write(c);
    }

    Usage usage() { return usage; }

    /**
     * Removes the choices that carry neither content ({@code delta} for chat, {@code text} for text
     * completions) nor a finish reason; a finish reason without a delta gets an empty one.
     * Returns true if anything changed.
     */
    private boolean dropChoicesWithoutContent(ArrayNode choices) {
        boolean changed = false;
        for (int i = choices.size() - 1; i >= 0; i--) {
            if (!(choices.get(i) instanceof ObjectNode c) || c.has(contentKey)) continue;
            if (c.path("finish_reason").isTextual()) {
                if (operation == Operation.CHAT) c.putObject("delta");
                else c.put("text", "");
            } else {
                choices.remove(i);
            }
            changed = true;
        }
        return changed;
    }

    /**
     * True when a chunk's text shows that it carries nothing this mapper acts on: no usage, no
     * finish reason, no tool calls, no error, no server extras. Conservative: any doubt (the words
     * appearing inside content, odd spacing) means the chunk is parsed.
     */
    static boolean plainDelta(String json) {
        // ends with '}': a cut event (a proxy truncating its buffer) is parsed, and so reported
        return json.startsWith("{") && json.endsWith("}") && !json.contains("\"error\"") && !json.contains("\"tool_calls\"")
                && !json.contains("\"x_groq\"") && !json.contains("\"timings\"")
                && isNullOrAbsent(json, "\"usage\"") && isNullOrAbsent(json, "\"finish_reason\"");
    }

    /** Every occurrence of the key is followed by {@code :null} (spaces allowed). */
    static boolean isNullOrAbsent(String json, String key) {
        return isNullOrAbsent(json, key, false);
    }

    /** Every occurrence of the key is followed by {@code :null} or {@code :""} (spaces allowed). */
    static boolean isEmptyOrAbsent(String json, String key) {
        return isNullOrAbsent(json, key, true);
    }

    private static boolean isNullOrAbsent(String json, String key, boolean orEmptyString) {
        int at = json.indexOf(key);
        while (at >= 0) {
            int i = at + key.length();
            while (i < json.length() && json.charAt(i) == ' ') i++;
            if (i >= json.length() || json.charAt(i) != ':') return false;
            i++;
            while (i < json.length() && json.charAt(i) == ' ') i++;
            if (!json.startsWith("null", i) && !(orEmptyString && json.startsWith("\"\"", i))) return false;
            at = json.indexOf(key, i);
        }
        return true;
    }

    private void remember(ObjectNode chunk) {
        if (id == null && chunk.hasNonNull("id") && !chunk.get("id").asText().isEmpty()) {
            id = chunk.get("id").asText();
            model = chunk.path("model").asText("");
            created = chunk.path("created").asLong(0);
        }
    }
}
