package dev.frugal.provider.gemini;

import dev.frugal.provider.Credentials;
import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small rules of the Gemini adapter, table-driven. */
@Tag("unit")
class GeminiRulesTest {

    @ParameterizedTest
    @CsvSource({
            "https://generativelanguage.googleapis.com, gemini-2.0-flash, false, /v1beta/models/gemini-2.0-flash:generateContent",
            "https://generativelanguage.googleapis.com/, gemini-2.0-flash, true, /v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
            "https://proxy.example.com/google/, gemini-2.0-flash, false, /google/v1beta/models/gemini-2.0-flash:generateContent",
            "https://generativelanguage.googleapis.com/v1, models/gemini-2.0-flash, false, /v1/models/gemini-2.0-flash:generateContent",
            "https://proxy.example.com/g/v1alpha, tunedModels/my-model-1, false, /g/v1alpha/tunedModels/my-model-1:generateContent",
            "http://127.0.0.1:9000, odd name+1, false, /v1beta/models/odd%20name%2B1:generateContent",
    })
    void pathsKeepTheBaseUrlPrefixAndItsVersionAndNeverCarryTheKey(String base, String model, boolean stream, String want) {
        String path = GeminiAdapter.path(GeminiAdapter.basePath(URI.create(base)), model, stream ? "streamGenerateContent" : "generateContent", stream);
        assertEquals(want, path);
        assertFalse(path.contains("key="));
    }

    @Test
    void aThoughtSignatureSurvivesTheRoundTripThroughAToolCallId() {
        String sig = "Cs0BAVSoXO5+Kq/3Lm8=";
        String id = ToolCallIds.encode("call_Xy12", sig);
        assertEquals("call_Xy12_ts_Cs0BAVSoXO5-Kq_3Lm8", id);
        assertTrue(id.matches("[A-Za-z0-9_-]+"), "an id clients of any protocol accept");
        assertEquals(sig, ToolCallIds.signature(id));
        assertEquals("call_Xy12", ToolCallIds.encode("call_Xy12", null));
        assertEquals("call_Xy12", ToolCallIds.encode("call_Xy12", "not base64!"));
        assertNull(ToolCallIds.signature("call_Xy12"));
        assertNull(ToolCallIds.signature("toolu_01_ts_abc"), "only our own ids carry signatures");
    }

    @ParameterizedTest
    @CsvSource({
            "STOP, false, stop", "STOP, true, tool_calls", ", false, stop", ", true, tool_calls",
            "MAX_TOKENS, false, length", "MAX_TOKENS, true, length",
            "SAFETY, false, content_filter", "RECITATION, false, content_filter", "LANGUAGE, false, content_filter",
            "BLOCKLIST, false, content_filter", "PROHIBITED_CONTENT, false, content_filter", "SPII, false, content_filter",
            "IMAGE_SAFETY, false, content_filter",
            "MALFORMED_FUNCTION_CALL, false, stop", "UNEXPECTED_TOOL_CALL, false, stop", "TOO_MANY_TOOL_CALLS, false, stop",
            "OTHER, false, stop", "FINISH_REASON_UNSPECIFIED, false, stop", "SOMETHING_NEW, false, stop",
    })
    void finishReasonsLandInOpenAisSet(String gemini, boolean sawToolCalls, String openAi) {
        assertEquals(openAi, GeminiFinishReasons.toOpenAi(gemini, sawToolCalls));
    }

    @ParameterizedTest
    @CsvSource({"gemini-3-pro-preview, true", "gemini-3.1-flash, true", "gemini-10-ultra, true", "gemini-2.5-flash, false",
            "gemini-2.0-flash, false", "models/gemini-3-flash, true", "my-tuned-model, false"})
    void onlyGemini3AndLaterGetTheSignatureFallback(String model, boolean required) {
        assertEquals(required, GeminiRequestMapper.signaturesRequired(model));
    }

    @Test
    void usageCountsToolPromptsAsPromptAndThoughtsAsCompletion() throws Exception {
        JsonNode r = Json.parse("{\"usageMetadata\":{\"promptTokenCount\":100,\"cachedContentTokenCount\":60,"
                + "\"candidatesTokenCount\":20,\"thoughtsTokenCount\":30,\"toolUsePromptTokenCount\":5,\"totalTokenCount\":155}}");
        Usage u = GeminiUsage.toCore(r);
        assertEquals(new Usage(105, 50, 60, 30), u);
        assertEquals(155, u.totalTokens(), "the same total Gemini reports");
        assertNull(GeminiUsage.toCore(Json.parse("{}")));
    }

    @ParameterizedTest
    @CsvSource({"17s, 17", "16.4s, 17", "0.5s, 1", "0s, 0", "soon, -1", "99999999999999999999s, -1"})
    void retryInfoDelaysRoundUpToSeconds(String delay, long seconds) throws Exception {
        JsonNode error = Json.parse("{\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" + delay + "\"}]}");
        assertEquals(seconds, GeminiErrorMapper.retryInfoSeconds(error));
    }

    @Test
    void errorMessagesNeverCarryTheKeyOrAnyGoogleKey() {
        String secret = "AIzaSyA-secret-key-0123456789abcdefghij";
        String scrubbed = GeminiErrorMapper.scrub("bad key " + secret + " and AIzaSyB-other-key-0123456789abcdefghij", Credentials.ofKey(secret));
        assertFalse(scrubbed.contains("secret-key"));
        assertFalse(scrubbed.contains("other-key"));
    }

    @Test
    void anInBandErrorWithoutACodeIsClassifiedByItsStatusName() throws Exception {
        UpstreamFailure f = GeminiErrorMapper.inBand("gem", Json.parse("{\"error\":{\"message\":\"busy\",\"status\":\"UNAVAILABLE\"}}"), null);
        assertEquals(UpstreamFailure.Kind.OVERLOADED, f.kind());
        assertTrue(f.retryable());
    }

    @ParameterizedTest
    @CsvSource({"https://x.test/a/cat.PNG, image/png", "https://x.test/a.b/render?format=webp, image/jpeg",
            "gs://bucket/doc.pdf#page=2, application/pdf", "https://x.test/clip.mp4, video/mp4"})
    void remoteFilesGetTheirMimeTypeFromTheExtension(String url, String mime) {
        assertEquals(mime, GeminiContents.mimeOf(url, "image/jpeg"));
    }

    @Test
    void requestsGeminiCannotServeFailWithTheParameterNamed() throws Exception {
        for (String[] c : new String[][]{
                {"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"modalities\":[\"text\",\"audio\"]}", "modalities"},
                {"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"c\"}}]}", "tools[0].type"},
                {"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":9007199254740993}", "seed"},
                {"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"grammar\"}}", "response_format.type"},
                {"{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://x/y.png\"}}]}]}",
                        "messages[0].content[0].image_url.url"},
                {"{\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}",
                        "messages[0].content[0]"},
        }) {
            UpstreamFailure f = assertThrows(UpstreamFailure.class, () -> GeminiRequestMapper.toGemini(Json.parse(c[0]), "gemini-2.0-flash"), c[0]);
            assertEquals(UpstreamFailure.Kind.INVALID_REQUEST, f.kind());
            assertEquals(c[1], f.param(), c[0]);
            assertFalse(f.retryable());
        }
    }

    @Test
    void deprecatedFunctionMessagesAndAllowedToolsTranslate() throws Exception {
        JsonNode req = Json.parse("""
                {"messages":[{"role":"user","content":"x"},
                  {"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{\\"a\\":1}"}},
                  {"role":"function","name":"f","content":"done"}],
                 "tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"g"}}],
                 "tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"g"}}]}}}
                """);
        JsonNode out = GeminiRequestMapper.toGemini(req, "gemini-2.0-flash");
        assertEquals(Json.parse("{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}}}"), out.at("/contents/1/parts/0"));
        assertEquals(Json.parse("{\"functionResponse\":{\"name\":\"f\",\"response\":{\"output\":\"done\"}}}"), out.at("/contents/2/parts/0"));
        assertEquals(Json.parse("{\"mode\":\"VALIDATED\",\"allowedFunctionNames\":[\"g\"]}"), out.at("/toolConfig/functionCallingConfig"));
        assertEquals(Json.parse("{\"name\":\"f\"}"), out.at("/tools/0/functionDeclarations/0"), "no parameters: a function without arguments");
    }
}
