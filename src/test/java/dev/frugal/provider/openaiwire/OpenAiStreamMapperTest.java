package dev.frugal.provider.openaiwire;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.Operation;
import dev.frugal.provider.openaiwire.OpenAiStreamMapper.Done;
import dev.frugal.provider.openaiwire.OpenAiStreamMapper.Failed;
import dev.frugal.provider.openaiwire.OpenAiStreamMapper.Forward;
import dev.frugal.provider.openaiwire.OpenAiStreamMapper.Skip;
import dev.frugal.provider.openaiwire.OpenAiStreamMapper.Step;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class OpenAiStreamMapperTest {

    private static final String SECRET = "sk-upstream-secret-0123456789";

    private static final String DELTA =
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}";
    private static final String FINISH =
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
    private static final String USAGE_ONLY =
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":2}}}";
    private static final String TOOL_CALL_DELTA =
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}";

    private static OpenAiStreamMapper mapper(boolean clientWantsUsage) {
        return new OpenAiStreamMapper("up", Credentials.ofKey(SECRET), Operation.CHAT, clientWantsUsage);
    }

    // ---- pass-through ---------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            DELTA,
            FINISH,
            // spacing, key order and number spelling that a re-serialisation would change
            "{ \"model\" : \"m\", \"id\":\"x\", \"choices\" : [ {\"index\":0,\"delta\":{\"content\":\"\\u00e9\"},"
                    + "\"logprobs\":null,\"finish_reason\":null,\"x\":1.50} ], \"system_fingerprint\":\"fp_1\", \"vendor_extra\":{\"a\":[1,2]} }"})
    void unchangedChunksAreForwardedByteForByte(String chunk) {
        Forward f = assertInstanceOf(Forward.class, mapper(false).map(null, chunk));
        assertEquals(chunk, f.json());
        assertSame(chunk, f.json(), "no copy, no re-serialisation");
    }

    // ---- usage ----------------------------------------------------------------------------

    @Test
    void usageChunkIsDroppedWhenTheClientDidNotAskButUsageIsRecorded() {
        OpenAiStreamMapper m = mapper(false);
        assertInstanceOf(Skip.class, m.map(null, USAGE_ONLY));
        assertEquals(new Usage(11, 7, 4, 2), m.usage());
    }

    @Test
    void usageChunkIsForwardedUnchangedWhenTheClientAsked() {
        OpenAiStreamMapper m = mapper(true);
        assertEquals(new Forward(USAGE_ONLY), m.map(null, USAGE_ONLY));
        assertEquals(new Usage(11, 7, 4, 2), m.usage());
    }

    @Test
    void usageOnAChunkWithChoicesIsStrippedWhenTheClientDidNotAsk() throws IOException {
        String chunk = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}";
        OpenAiStreamMapper m = mapper(false);
        JsonNode out = forwarded(m.map(null, chunk));
        assertFalse(out.has("usage"));
        assertEquals("stop", out.at("/choices/0/finish_reason").asText());
        assertEquals(new Usage(3, 5, 0, 0), m.usage());
    }

    @Test
    void usageOnAChunkWithChoicesIsKeptWhenTheClientAsked() {
        String chunk = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}";
        assertEquals(new Forward(chunk), mapper(true).map(null, chunk));
    }

    @Test
    void groqUsageUnderXGroqIsRead() {
        String chunk = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":9,\"total_tokens\":29}}}";
        OpenAiStreamMapper m = mapper(false);
        assertInstanceOf(Forward.class, m.map(null, chunk));
        assertEquals(new Usage(20, 9, 0, 0), m.usage());
    }

    @Test
    void deepSeekCacheHitTokensCountAsCached() {
        String chunk = "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":1,"
                + "\"prompt_cache_hit_tokens\":64,\"prompt_cache_miss_tokens\":36}}";
        OpenAiStreamMapper m = mapper(false);
        m.map(null, chunk);
        assertEquals(new Usage(100, 1, 64, 0), m.usage());
    }

    @Test
    void lastUsageSeenWins() {
        OpenAiStreamMapper m = mapper(true);
        m.map(null, "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}");
        m.map(null, "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9}}");
        assertEquals(new Usage(5, 9, 0, 0), m.usage());
    }

    @Test
    void llamaCppTimingsAreRemoved() throws IOException {
        String chunk = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}],"
                + "\"timings\":{\"prompt_n\":4,\"predicted_ms\":12.5}}";
        JsonNode out = forwarded(mapper(false).map(null, chunk));
        assertFalse(out.has("timings"));
        assertEquals("x", out.at("/choices/0/delta/content").asText());
    }

    // ---- Azure's content-filter chunks (provider-protocols.md §8.1) -------------------------

    private static final String AZURE_PROMPT_FILTER =
            "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,"
                    + "\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}";
    private static final String AZURE_ANNOTATION =
            "{\"choices\":[{\"content_filter_offsets\":{\"check_offset\":44,\"start_offset\":44,\"end_offset\":198},"
                    + "\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}},\"finish_reason\":null,"
                    + "\"index\":0}],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"usage\":null}";

    @Test
    void azurePromptFilterChunkWithNoChoicesIsDropped() {
        OpenAiStreamMapper m = mapper(true);
        assertInstanceOf(Skip.class, m.map(null, AZURE_PROMPT_FILTER));
        Forward first = assertInstanceOf(Forward.class, m.map(null, DELTA));
        assertEquals(DELTA, first.json(), "the first real chunk passes as usual");
    }

    @Test
    void azureAnnotationChunkWithoutDeltaIsDroppedAlsoAfterTheFinishAndOnTheFastPath() {
        OpenAiStreamMapper m = mapper(false);
        assertInstanceOf(Forward.class, m.map(null, DELTA)); // id known: later chunks may take the fast path
        assertInstanceOf(Skip.class, m.map(null, AZURE_ANNOTATION));
        assertInstanceOf(Forward.class, m.map(null, FINISH));
        assertInstanceOf(Skip.class, m.map(null, AZURE_ANNOTATION));
        assertNull(m.atEnd(false), "the finish chunk was seen");
    }

    @Test
    void aChoiceWithoutDeltaIsRemovedWhileItsSiblingsStay() throws IOException {
        String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"finish_reason\":null,"
                + "\"content_filter_results\":{}},{\"index\":1,\"delta\":{\"content\":\"B\"},\"finish_reason\":null}]}";
        JsonNode out = forwarded(mapper(false).map(null, chunk));
        assertEquals(1, out.get("choices").size());
        assertEquals(1, out.at("/choices/0/index").asInt());
    }

    @Test
    void aFinishReasonWithoutDeltaGetsAnEmptyDelta() throws IOException {
        String chunk = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"finish_reason\":\"content_filter\",\"content_filter_results\":{}}]}";
        JsonNode out = forwarded(mapper(false).map(null, chunk));
        assertTrue(out.at("/choices/0/delta").isObject());
        assertEquals("content_filter", out.at("/choices/0/finish_reason").asText());
    }

    @Test
    void textCompletionChoicesWithoutTextAreDropped() {
        OpenAiStreamMapper m = new OpenAiStreamMapper("up", null, Operation.COMPLETIONS, false);
        String annotation = "{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[{\"index\":0,"
                + "\"finish_reason\":null,\"content_filter_results\":{}}]}";
        assertInstanceOf(Skip.class, m.map(null, annotation));
    }

    @Test
    void aTextCompletionChoiceWithoutTextIsDroppedAlsoAfterChunksThatPassedUnread() {
        OpenAiStreamMapper m = new OpenAiStreamMapper("up", null, Operation.COMPLETIONS, false);
        String text = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"text\":\"Hi\",\"finish_reason\":null}]}";
        assertSame(text, assertInstanceOf(Forward.class, m.map(null, text)).json());
        // "text_completion" holds the word text but not the key: the chunk is read, and its empty choice dropped
        String noText = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}";
        assertInstanceOf(Skip.class, m.map(null, noText));
    }

    // ---- finish reasons -------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "stop, stop",
            "length, length",
            "content_filter, content_filter",
            "eos, stop",
            "end_turn, stop",
            "model_length, length",
            "max_tokens, length",
            "insufficient_system_resource, length",
            "something_new, stop"})
    void finishReasonsAreMappedOntoOpenAis(String upstream, String expected) throws IOException {
        String chunk = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + upstream + "\"}]}";
        assertEquals(expected, forwarded(mapper(false).map(null, chunk)).at("/choices/0/finish_reason").asText());
    }

    @Test
    void stopAfterToolCallsBecomesToolCalls() throws IOException {
        OpenAiStreamMapper m = mapper(false);
        assertEquals(new Forward(TOOL_CALL_DELTA), m.map(null, TOOL_CALL_DELTA));
        JsonNode out = forwarded(m.map(null, FINISH));
        assertEquals("tool_calls", out.at("/choices/0/finish_reason").asText());
    }

    @Test
    void finishReasonErrorFailsTheStream() {
        String chunk = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}";
        Failed f = assertInstanceOf(Failed.class, mapper(false).map(null, chunk));
        assertEquals(UpstreamFailure.Kind.UPSTREAM_ERROR, f.failure().kind());
    }

    // ---- errors and garbage ---------------------------------------------------------------

    /** The first event is always read: one that only looks like a plain delta fails while fallback is possible. */
    @Test
    void aFirstEventThatLooksPlainButIsNotJsonFails() {
        String broken = "{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}]}";
        Failed f = assertInstanceOf(Failed.class, mapper(false).map(null, broken));
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.failure().kind());
    }

    @Test
    void errorEventInTheStreamFails() {
        String event = "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_overloaded\",\"code\":null}}";
        Failed f = assertInstanceOf(Failed.class, mapper(false).map(null, event));
        assertEquals(UpstreamFailure.Kind.OVERLOADED, f.failure().kind());
        assertEquals("Upstream provider 'up' reported an error: The server is overloaded", f.failure().getMessage());
    }

    @Test
    void vllmErrorEventWithAnIntegerCodeFails() {
        String event = "{\"error\":{\"object\":\"error\",\"message\":\"Engine died\",\"type\":\"InternalServerError\",\"code\":500}}";
        Failed f = assertInstanceOf(Failed.class, mapper(false).map(null, event));
        assertEquals(UpstreamFailure.Kind.UPSTREAM_ERROR, f.failure().kind());
    }

    @Test
    void namedErrorEventFailsEvenWithoutAnErrorField() {
        Failed f = assertInstanceOf(Failed.class, mapper(false).map("error", "{\"message\":\"rate limited\",\"type\":\"rate_limit_error\"}"));
        assertEquals(UpstreamFailure.Kind.RATE_LIMITED, f.failure().kind());
    }

    @Test
    void errorEventNeverCarriesTheProviderSecret() {
        String event = "{\"error\":{\"message\":\"Incorrect API key provided: " + SECRET + ".\"}}";
        Failed f = assertInstanceOf(Failed.class, mapper(false).map(null, event));
        assertFalse(f.failure().getMessage().contains(SECRET), f.failure().getMessage());
        assertFalse(f.failure().getMessage().contains(SECRET.substring(0, 12)), f.failure().getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"id\":", "<html>502 Bad Gateway</html>", "[1,2]", "42"})
    void dataThatIsNotAJsonObjectIsAProtocolFailure(String data) {
        Failed f = assertInstanceOf(Failed.class, mapper(false).map(null, data));
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.failure().kind());
    }

    @Test
    void blankDataIsSkipped() {
        assertInstanceOf(Skip.class, mapper(false).map(null, "  "));
    }

    @Test
    void eventsAfterDoneAreSkipped() {
        OpenAiStreamMapper m = mapper(false);
        assertInstanceOf(Done.class, m.map(null, "[DONE]"));
        assertInstanceOf(Skip.class, m.map(null, DELTA));
        assertInstanceOf(Skip.class, m.map(null, "garbage"));
    }

    // ---- the end of the stream ------------------------------------------------------------

    @Test
    void cleanEndWithFinishAndDoneNeedsNothingMore() {
        OpenAiStreamMapper m = mapper(false);
        m.map(null, DELTA);
        m.map(null, FINISH);
        m.map(null, "[DONE]");
        assertNull(m.atEnd(false));
    }

    @Test
    void doneWithoutAFinishChunkSynthesisesOne() throws IOException {
        OpenAiStreamMapper m = mapper(false);
        m.map(null, DELTA);
        m.map(null, "[DONE]");
        JsonNode c = Json.parse(m.atEnd(false));
        assertEquals("chatcmpl-1", c.get("id").asText());
        assertEquals("chat.completion.chunk", c.get("object").asText());
        assertEquals(1700000000L, c.get("created").asLong());
        assertEquals("gpt-4o-mini", c.get("model").asText());
        assertEquals(0, c.at("/choices/0/index").asInt());
        assertTrue(c.at("/choices/0/delta").isObject());
        assertEquals("stop", c.at("/choices/0/finish_reason").asText());
    }

    /**
     * Azure's first chunk has an empty id; the deltas after it pass unread. A finish synthesised before any chunk
     * read gave the id still carries the stream's id, model and creation time, read then from the first delta.
     */
    @Test
    void aSynthesisedFinishNamesTheStreamEvenWhenOnlyUnreadChunksCarriedItsId() throws IOException {
        OpenAiStreamMapper m = mapper(false);
        assertInstanceOf(Skip.class, m.map(null, AZURE_PROMPT_FILTER));
        String role = "{\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1700000007,\"model\":\"m-7\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}";
        assertSame(role, assertInstanceOf(Forward.class, m.map(null, role)).json());
        m.map(null, "[DONE]");
        JsonNode c = Json.parse(m.atEnd(false));
        assertEquals("chatcmpl-7", c.get("id").asText());
        assertEquals(1700000007L, c.get("created").asLong());
        assertEquals("m-7", c.get("model").asText());
        assertEquals("stop", c.at("/choices/0/finish_reason").asText());
    }

    @Test
    void aReadChunksIdIsTheStreamsEvenAfterChunksThatPassedUnread() throws IOException {
        OpenAiStreamMapper m = new OpenAiStreamMapper("up", null, Operation.CHAT, false,
                dev.frugal.config.ModelConfig.Reasoning.PASS, false, 1);
        m.map(null, AZURE_PROMPT_FILTER); // read, with an empty id
        m.map(null, DELTA.replace("chatcmpl-1", "chatcmpl-first")); // passes unread
        m.map(null, TOOL_CALL_DELTA); // read: it names the stream chatcmpl-1
        m.map(null, "[DONE]");
        assertEquals("chatcmpl-1", Json.parse(m.atEnd(false)).get("id").asText());
    }

    @Test
    void synthesisedFinishAfterToolCallsIsToolCalls() throws IOException {
        OpenAiStreamMapper m = mapper(false);
        m.map(null, TOOL_CALL_DELTA);
        m.map(null, "[DONE]");
        assertEquals("tool_calls", Json.parse(m.atEnd(false)).at("/choices/0/finish_reason").asText());
    }

    @Test
    void synthesisedFinishOfATextCompletionHasText() throws IOException {
        OpenAiStreamMapper m = new OpenAiStreamMapper("up", null, Operation.COMPLETIONS, false);
        m.map(null, "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"text\":\"Hi\",\"finish_reason\":null}]}");
        m.map(null, "[DONE]");
        JsonNode c = Json.parse(m.atEnd(false));
        assertEquals("text_completion", c.get("object").asText());
        assertEquals("", c.at("/choices/0/text").asText());
        assertFalse(c.at("/choices/0").has("delta"));
        assertEquals("stop", c.at("/choices/0/finish_reason").asText());
    }

    @Test
    void streamCutInTheMiddleOfAnEventFails() {
        OpenAiStreamMapper m = mapper(false);
        m.map(null, DELTA);
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> m.atEnd(true));
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.kind());
        assertTrue(f.getMessage().contains("cut off"), f.getMessage());
    }

    @Test
    void streamEndedWithoutDoneAndWithoutFinishFails() {
        OpenAiStreamMapper m = mapper(false);
        m.map(null, DELTA);
        UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> m.atEnd(false));
        assertEquals(UpstreamFailure.Kind.PROTOCOL, f.kind());
        assertTrue(f.retryable());
    }

    @Test
    void streamWithAFinishButWithoutDoneIsComplete() {
        OpenAiStreamMapper m = mapper(false);
        m.map(null, FINISH);
        assertNull(m.atEnd(false));
    }

    private static JsonNode forwarded(Step step) throws IOException {
        return Json.parse(assertInstanceOf(Forward.class, step).json());
    }
}
