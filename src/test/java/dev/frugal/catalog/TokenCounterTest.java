package dev.frugal.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class TokenCounterTest {
    private static final TokenCounter COUNTER = new TokenCounter().preload();

    // ---- exact counts ---------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: \"{1}\" = {2} tokens")
    @CsvSource(delimiter = '|', value = {
            // counts as published in OpenAI's cookbook ("How to count tokens with tiktoken") and checked with jtokkit
            "gpt-4o-mini | tiktoken is great! | 6",
            "gpt-4 | tiktoken is great! | 6",
            "gpt-4o | お誕生日おめでとう | 8",               // o200k_base
            "gpt-3.5-turbo | お誕生日おめでとう | 9",        // cl100k_base
            "o3-mini | 2 + 2 = 4 | 7",
            "text-embedding-3-small | hello world | 2",
            "gpt-5.1 | The quick brown fox jumps over the lazy dog. | 10",
    })
    void exactForOpenAiModels(String model, String text, long expected) {
        TokenCounter.Count c = COUNTER.count(model, text);
        assertEquals(expected, c.tokens());
        assertTrue(c.exact());
    }

    @Test
    void theEncodingFollowsTheModelFamily() {
        Encoding o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        Encoding cl100k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        String text = "お誕生日おめでとう — Grüße, 12345678 tokens; {\"json\": [1, 2, 3]}\n\tdone";
        for (String m : new String[] {"gpt-4o", "gpt-4o-mini-2024-07-18", "chatgpt-4o-latest", "gpt-4.1-nano", "gpt-4.5-preview",
                "gpt-5", "gpt-5-mini", "o1", "o1-mini", "o3", "o4-mini", "openai/gpt-4o"}) {
            assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingFor(m), m);
            assertEquals(o200k.countTokensOrdinary(text), COUNTER.count(m, text).tokens(), m);
        }
        for (String m : new String[] {"gpt-4", "gpt-4-turbo", "gpt-4-0613", "gpt-3.5-turbo", "gpt-35-turbo",
                "text-embedding-3-large", "text-embedding-ada-002"}) {
            assertEquals(EncodingType.CL100K_BASE, TokenCounter.encodingFor(m), m);
            assertEquals(cl100k.countTokensOrdinary(text), COUNTER.count(m, text).tokens(), m);
        }
    }

    @Test
    void specialTokenMarkersInTextAreOrdinaryText() {
        TokenCounter.Count c = COUNTER.count("gpt-4o", "<|endoftext|> is special");
        assertEquals(9, c.tokens()); // "<", "|", "end", "of", "text", "|", ">", " is", " special"
        assertTrue(c.exact());
    }

    // ---- estimates ------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"claude-sonnet-4-5", "llama3.2:latest", "deepseek-chat", "gemini-2.5-flash", "gpt-oss:20b", "o1x", "gpt-40",
            "my-azure-deployment"})
    void otherModelsAreEstimated(String model) {
        String text = "The quick brown fox jumps over the lazy dog.";
        TokenCounter.Count c = COUNTER.count(model, text);
        assertFalse(c.exact());
        assertEquals(TokenEstimate.estimate(text), c.tokens());
        assertTrue(c.tokens() >= 9 && c.tokens() <= 13, "close to the 10 tokens of OpenAI's tokenizers: " + c.tokens());
    }

    @Test
    void nothingToCount() {
        assertEquals(new TokenCounter.Count(0, true), COUNTER.count("gpt-4o", ""));
        assertEquals(new TokenCounter.Count(0, true), COUNTER.count(null, null));
    }

    @Test
    void untilTheTablesAreLoadedCountsAreFlaggedEstimates() {
        TokenCounter fresh = new TokenCounter();
        TokenCounter.Count first = fresh.count("gpt-4o", "tiktoken is great!"); // starts loading, does not wait
        if (!first.exact()) assertEquals(TokenEstimate.estimate("tiktoken is great!"), first.tokens());
        fresh.preload();
        assertEquals(new TokenCounter.Count(6, true), fresh.count("gpt-4o", "tiktoken is great!"));
    }

    // ---- request bodies -------------------------------------------------------------------

    @Test
    void chatBodyCountsMessageTextPartsToolsAndOverhead() throws IOException {
        long simple = COUNTER.promptTokens("gpt-4o", body("""
                {"model":"m","messages":[{"role":"user","content":"tiktoken is great!"}]}"""));
        // OpenAI's accounting: 3 per message + the text of its values ("user" and the content) + 3 to prime the reply
        assertEquals(3 + est("user") + est("tiktoken is great!") + 3, simple);

        long parts = COUNTER.promptTokens("gpt-4o", body("""
                {"messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"user","name":"ann","content":[{"type":"text","text":"What is this?"},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"}}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"lookup","arguments":"{\\"q\\":\\"cats\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"Cats are mammals."}],
                 "tools":[{"type":"function","function":{"name":"lookup","description":"Search the encyclopedia",
                   "parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],
                 "max_tokens":100,"temperature":0.2}"""));
        long messages = 4 * 3 + 3 + 1                                        // overheads and the name
                + est("system") + est("Be brief.")
                + est("user") + est("ann") + est("text") + est("What is this?") + TokenCounter.IMAGE_TOKENS
                + est("assistant") + est("call_1") + est("function") + est("lookup") + est("{\"q\":\"cats\"}")
                + est("tool") + est("call_1") + est("Cats are mammals.");
        long tools = est("type") + est("function") + est("function") + est("name") + est("lookup") + est("description")
                + est("Search the encyclopedia") + est("parameters") + est("type") + est("object") + est("properties")
                + est("q") + est("type") + est("string");
        assertEquals(messages + tools, parts);
    }

    @Test
    void imagesAreAFixedEstimateByModelFamily() throws IOException {
        String image = """
                {"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}""";
        long overhead = 3 + est("user") + 3;
        assertEquals(overhead + TokenCounter.IMAGE_TOKENS_CLAUDE, COUNTER.promptTokens("claude-sonnet-4-5", body(image)));
        assertEquals(overhead + TokenCounter.IMAGE_TOKENS_GEMINI, COUNTER.promptTokens("gemini-2.5-flash", body(image)));
        assertEquals(overhead + TokenCounter.IMAGE_TOKENS, COUNTER.promptTokens("gpt-4o", body(image)));
    }

    @Test
    void anthropicSystemAndBinaryPartsAreHandled() throws IOException {
        long t = COUNTER.promptTokens("claude-sonnet-4-5", body("""
                {"system":[{"type":"text","text":"You are terse."}],
                 "messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","data":"JVBERi0xLjQK"}},
                   {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},"plain string part"]},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"EqQBCkgIAhABGAIiQL"}]}]}"""));
        assertEquals(est("text") + est("You are terse.")
                + 3 + est("user") + est("plain string part")
                + 3 + est("assistant") + est("thinking") + est("hmm")
                + 3, t);
    }

    @Test
    void completionsPromptAsTextOrTokenIds() throws IOException {
        assertEquals(est("Say this is a test"), COUNTER.promptTokens("gpt-3.5-turbo-instruct", body("{\"prompt\":\"Say this is a test\"}")));
        assertEquals(est("one") + est("two"), COUNTER.promptTokens("m", body("{\"prompt\":[\"one\",\"two\"]}")));
        assertEquals(3, COUNTER.promptTokens("m", body("{\"prompt\":[1212,318,257]}")));
        assertEquals(5, COUNTER.promptTokens("m", body("{\"prompt\":[[1,2],[3,4,5]]}")));
    }

    @Test
    void embeddingsInputAsTextOrTokenIds() throws IOException {
        assertEquals(est("The food was delicious"), COUNTER.promptTokens("text-embedding-3-small", body("{\"input\":\"The food was delicious\"}")));
        assertEquals(est("a b") + est("c"), COUNTER.promptTokens("m", body("{\"input\":[\"a b\",\"c\"]}")));
        assertEquals(4, COUNTER.promptTokens("m", body("{\"input\":[[1,2],[3],[4]]}")));
    }

    @Test
    void oddInputIsCountedForWhatIsTextAndNeverThrows() throws IOException {
        assertEquals(0, COUNTER.promptTokens("m", null));
        assertEquals(0, COUNTER.promptTokens(null, body("{}")));
        assertEquals(0, COUNTER.promptTokens("m", body("{\"messages\":\"not a list\",\"prompt\":null,\"input\":{\"x\":1},\"tools\":7}")));
        assertEquals(3 + 3 + 3, COUNTER.promptTokens("m", body("{\"messages\":[null,42]}")), "overheads only");
        assertEquals(3 + est("deep") + 3, COUNTER.promptTokens("m", body("{\"messages\":[{\"content\":[[[[[{\"text\":\"deep\"}]]]],true,1.5]}]}")));
        assertEquals(3 + 3, COUNTER.promptTokens("m", body("{\"messages\":[{\"content\":[{\"image_url\":\"data:...\"}]}]}")));
        StringBuilder nested = new StringBuilder();
        for (int i = 0; i < 150; i++) nested.append('['); // the JSON reader allows 200 levels
        nested.append("\"x\"");
        for (int i = 0; i < 150; i++) nested.append(']');
        assertEquals(est("x"), COUNTER.promptTokens("m", body("{\"input\":" + nested + "}")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"max_tokens\":100} | 100",
            "{\"max_completion_tokens\":50,\"max_tokens\":100} | 50",
            "{\"max_completion_tokens\":null,\"max_tokens\":100} | 100",
            "{\"max_tokens\":0} | 0",
            "{\"max_tokens\":64.0} | 64",
            "{\"max_tokens\":64.5} | -1",
            "{\"max_tokens\":-1} | -1",
            "{\"max_tokens\":\"100\"} | -1",
            "{\"max_tokens\":99999999999999999999999} | -1",
            "{} | -1",
    })
    void maxTokens(String json, long expected) throws IOException {
        assertEquals(expected, COUNTER.maxTokens(body(json)));
    }

    private static long est(String s) { return TokenEstimate.estimate(s); }

    private static ObjectNode body(String json) throws IOException {
        return (ObjectNode) Json.parse(json);
    }
}
