package dev.frugal.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static dev.frugal.core.RequestView.Capability.IMAGES;
import static dev.frugal.core.RequestView.Capability.JSON_MODE;
import static dev.frugal.core.RequestView.Capability.JSON_SCHEMA;
import static dev.frugal.core.RequestView.Capability.STREAMING;
import static dev.frugal.core.RequestView.Capability.TOOLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class RequestViewTest {
    private static final String BASE = "{\"model\":\"gpt-4o-mini\",\"temperature\":0.5,\"seed\":7,"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private static RequestView chat(String json) {
        return RequestView.of(RequestView.Kind.CHAT, body(json), 12, RequestView.NO_LIMIT);
    }

    private static ObjectNode body(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** BASE with one top-level field added or replaced. */
    private static String with(String field, String value) {
        ObjectNode o = body(BASE);
        o.set(field, body("{\"v\":" + value + "}").get("v"));
        return Json.write(o);
    }

    // ---- cache key -------------------------------------------------------------------------

    @Test
    void theKeyIsTheSameWhateverTheOrderOfFields() {
        String reordered = "{\"messages\":[{\"content\":\"Be brief.\",\"role\":\"system\"},{\"content\":\"Hi\",\"role\":\"user\"}],"
                + "\"seed\":7,\"temperature\":0.50,\"model\":\"gpt-4o-mini\"}";
        assertEquals(chat(BASE).cacheKey(), chat(reordered).cacheKey());
        assertEquals(64, chat(BASE).cacheKey().length(), "SHA-256 in hex");
    }

    @Test
    void numbersAreKeyedByValue() {
        assertEquals(chat(with("temperature", "1")).cacheKey(), chat(with("temperature", "1.0")).cacheKey());
        assertEquals(chat(with("temperature", "1")).cacheKey(), chat(with("temperature", "1e0")).cacheKey());
    }

    @Test
    void whoAsksAndHowItIsDeliveredDoNotChangeTheKey() {
        String key = chat(BASE).cacheKey();
        assertEquals(key, chat(with("user", "\"alice\"")).cacheKey());
        assertEquals(key, chat(with("metadata", "{\"trace\":\"x\"}")).cacheKey());
        assertEquals(key, chat(with("stream", "true")).cacheKey());
        ObjectNode streamed = body(BASE).put("stream", true);
        streamed.putObject("stream_options").put("include_usage", true);
        assertEquals(key, chat(Json.write(streamed)).cacheKey());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "model=\"gpt-4o\"",
            "temperature=0.7",
            "top_p=0.9",
            "seed=8",
            "stop=[\"\\n\"]",
            "n=2",
            "max_tokens=10",
            "max_completion_tokens=10",
            "presence_penalty=1",
            "frequency_penalty=1",
            "logit_bias={\"50256\":-100}",
            "tools=[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]",
            "tool_choice=\"required\"",
            "response_format={\"type\":\"json_object\"}",
            "reasoning_effort=\"high\"",
            "an_unknown_field=1",
            "messages=[{\"role\":\"user\",\"content\":\"Hi!\"}]",
            "messages=[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"assistant\",\"content\":\"Hi\"}]",
            "messages=[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\",\"name\":\"bob\"}]",
            "messages=[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}]",
            "parallel_tool_calls=false",
            "logprobs=true",
            "top_logprobs=3",
            "response_format={\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":{}}}",
            "prediction={\"type\":\"content\",\"content\":\"x\"}",
    })
    void everyFieldThatChangesTheAnswerChangesTheKey(String change) {
        int eq = change.indexOf('=');
        String changed = with(change.substring(0, eq), change.substring(eq + 1));
        assertNotEquals(chat(BASE).cacheKey(), chat(changed).cacheKey(), changed);
    }

    @Test
    void theKeyDoesNotDependOnWhitespaceOrOnFieldsSetToWhatTheyWereAlready() {
        String spaced = BASE.replace(",", " ,\n ").replace(":", " : ");
        assertEquals(chat(BASE).cacheKey(), chat(spaced).cacheKey());
        assertEquals(chat(BASE).cacheKey(), chat(with("seed", "7.0")).cacheKey());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"temperature=0", "temperature=0.0", "seed=1", "seed=0", "seed=7.0"})
    void temperatureZeroOrASeedIsDeterministic(String change) {
        int eq = change.indexOf('=');
        ObjectNode b = body("{\"model\":\"m\",\"messages\":[]}");
        b.set(change.substring(0, eq), body("{\"v\":" + change.substring(eq + 1) + "}").get("v"));
        assertTrue(chat(Json.write(b)).deterministic(), change);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{}", "{\"temperature\":0.2}", "{\"temperature\":\"0\"}", "{\"seed\":null}", "{\"seed\":\"1\"}",
            "{\"seed\":1.5}"})
    void otherRequestsAreNot(String fields) {
        ObjectNode b = body(fields).put("model", "m");
        assertFalse(chat(Json.write(b)).deterministic(), fields);
    }

    @Test
    void theKindIsPartOfTheKey() {
        ObjectNode b = body("{\"model\":\"m\",\"input\":\"hello\"}");
        assertNotEquals(RequestView.of(RequestView.Kind.EMBEDDINGS, b, 1, 0).cacheKey(),
                RequestView.of(RequestView.Kind.COMPLETIONS, b, 1, 0).cacheKey());
    }

    @Test
    void theKeyIsComputedOnceAndTheBodyIsLeftAsItIs() {
        RequestView v = chat(with("user", "\"alice\""));
        assertSame(v.cacheKey(), v.cacheKey());
        assertEquals("alice", v.body().get("user").asText(), "fields left out of the key still reach the upstream");
    }

    // ---- capabilities ----------------------------------------------------------------------

    @Test
    void aPlainRequestNeedsNothing() {
        assertEquals(Set.of(), chat(BASE).capabilities());
    }

    @Test
    void capabilitiesAreDetected() {
        assertTrue(chat(with("tools", "[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]")).needs(TOOLS));
        assertTrue(chat(with("functions", "[{\"name\":\"f\"}]")).needs(TOOLS), "the legacy functions field");
        assertFalse(chat(with("tools", "[]")).needs(TOOLS));
        assertTrue(chat(with("response_format", "{\"type\":\"json_object\"}")).needs(JSON_MODE));
        assertTrue(chat(with("response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}")).needs(JSON_SCHEMA));
        assertFalse(chat(with("response_format", "{\"type\":\"text\"}")).needs(JSON_MODE));
        assertTrue(chat(with("stream", "true")).needs(STREAMING));
        assertTrue(chat(with("messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA==\"}}]}]")).needs(IMAGES));
    }

    // ---- the rest ------------------------------------------------------------------------

    @Test
    void promptPartsAreTheSystemPromptAndTheLastUserTurn() {
        RequestView v = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"Answer in French.\"}]},"
                + "{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"second\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},"
                + "{\"type\":\"text\",\"text\":\"part\"}]}]}");
        assertEquals(new RequestView.Prompt("Be brief.\nAnswer in French.", "second\npart"), v.prompt());
        assertEquals(new RequestView.Prompt(null, "Hi"), chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").prompt());
    }

    @Test
    void completionsAndEmbeddingsOfferTheirPromptOrInput() {
        ObjectNode completion = body("{\"model\":\"m\",\"prompt\":\"Once upon\"}");
        assertEquals(new RequestView.Prompt(null, "Once upon"), RequestView.of(RequestView.Kind.COMPLETIONS, completion, 2, 5).prompt());
        ObjectNode embeddings = body("{\"model\":\"m\",\"input\":[\"a\",\"b\"]}");
        assertEquals(new RequestView.Prompt(null, "a\nb"), RequestView.of(RequestView.Kind.EMBEDDINGS, embeddings, 2, 0).prompt());
        ObjectNode tokens = body("{\"model\":\"m\",\"input\":[1,2,3]}");
        assertNull(RequestView.of(RequestView.Kind.EMBEDDINGS, tokens, 3, 0).prompt().lastUser(), "token ids are not text");
    }

    @Test
    void theModelStreamingAndLimitsAreRead() {
        ObjectNode b = body(BASE).put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        RequestView v = RequestView.of(RequestView.Kind.CHAT, b, 42, 100);
        assertEquals("gpt-4o-mini", v.model());
        assertTrue(v.stream());
        assertTrue(v.includeUsage());
        assertEquals(42, v.promptTokens());
        assertEquals(100, v.outputLimit());
        assertFalse(chat(BASE).includeUsage());
    }
}
