package dev.frugal.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Strict types: a request whose fields have the wrong JSON type or an unknown shape is a 400 naming
 * the field, never forwarded upstream as it came (issue 10: a content part {@code {"type":"bogus"}}
 * and {@code prompt: [1, [2]]} used to pass).
 */
@Tag("unit")
class RequestValidatorTest {
    static final String MSG = "{\"model\":\"m\",\"messages\":[%s]}";

    static JsonNode json(String text) throws Exception { return Json.parse(text); }

    static String chat(String message) { return MSG.formatted(message); }

    static GatewayError refused(Runnable check) {
        return assertThrows(GatewayError.class, check::run);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"role\":\"user\",\"content\":[{\"type\":\"bogus\"}]}                                   | messages[0].content[0].type | invalid_value",
            "{\"role\":\"user\",\"content\":[{\"type\":5}]}                                           | messages[0].content[0].type | invalid_type",
            "{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}                                      | messages[0].content[0].type | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}                         | messages[0].content[0].text | invalid_type",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}                               | messages[0].content[0].image_url | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"http://x/a.png\"}]} | messages[0].content[0].image_url | invalid_type",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":7}}]}      | messages[0].content[0].image_url.url | invalid_type",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"\"}}]}  | messages[0].content[0].image_url.url | invalid_value",
            "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\",\"detail\":\"max\"}}]} | messages[0].content[0].image_url.detail | invalid_value",
            "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"eA==\"}}]} | messages[0].content[0].input_audio.format | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"eA==\",\"format\":\"ogg\"}}]} | messages[0].content[0].input_audio.format | invalid_value",
            "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{}}]}                          | messages[0].content[0].file.file_data | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":3}}]}             | messages[0].content[0].file.file_id | invalid_type",
            "{\"role\":\"user\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"no\"}]}              | messages[0].content[0].type | invalid_value",
            "{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]} | messages[0].content[0].type | invalid_value",
            "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":1}]}              | messages[0].content[0].refusal | invalid_type",
            "{\"role\":\"user\",\"content\":\"hi\",\"name\":5}                                         | messages[0].name | invalid_type",
            "{\"role\":\"user\",\"content\":\"hi\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]} | messages[0].tool_calls | invalid_value",
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":\"call\"}                         | messages[0].tool_calls | invalid_type",
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]} | messages[0].tool_calls[0].function.arguments | invalid_type",
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\"}]} | messages[0].tool_calls[0].function | missing_required_parameter",
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"web\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]} | messages[0].tool_calls[0].type | invalid_value",
    })
    void messagesAreCheckedStrictly(String message, String param, String code) {
        GatewayError e = refused(() -> RequestValidator.chat(unchecked(chat(message))));
        assertEquals(400, e.status());
        assertEquals(param, e.param(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"tools\":[{\"type\":\"retrieval\"}]                                 | tools[0].type",
            "\"tools\":[{\"type\":\"function\"}]                                  | tools[0].function",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"strict\":\"yes\"}}] | tools[0].function.strict",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":1}}] | tools[0].function.description",
            "\"tool_choice\":{\"type\":\"function\"}                              | tool_choice.function",
            "\"tool_choice\":{\"function\":{\"name\":\"f\"}}                      | tool_choice.type",
            "\"response_format\":{\"type\":\"yaml\"}                              | response_format.type",
            "\"response_format\":{}                                               | response_format.type",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}} | response_format.json_schema.name",
            "\"user\":42                                                          | user",
            "\"seed\":\"7\"                                                       | seed",
            "\"logit_bias\":{\"50256\":\"-100\"}                                  | logit_bias.50256",
            "\"logit_bias\":{\"50256\":-101}                                      | logit_bias.50256",
            "\"store\":\"true\"                                                   | store",
            "\"metadata\":[1]                                                     | metadata",
    })
    void otherChatFieldsAreTyped(String field, String param) {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + field + "}";
        assertEquals(param, refused(() -> RequestValidator.chat(unchecked(body))).param());
    }

    @Test
    void everyKnownPartAndToolShapePasses() {
        assertDoesNotThrow(() -> RequestValidator.chat(unchecked("""
                {"model":"m","messages":[
                 {"role":"system","content":[{"type":"text","text":"be brief"}]},
                 {"role":"user","content":[{"type":"text","text":"what is this?","cache_hint":"kept"},
                   {"type":"image_url","image_url":{"url":"data:image/png;base64,AA==","detail":"low"}},
                   {"type":"input_audio","input_audio":{"data":"eA==","format":"wav"}},
                   {"type":"file","file":{"file_data":"data:application/pdf;base64,AA==","filename":"a.pdf"}},
                   {"type":"file","file":{"file_id":"file-1"}}]},
                 {"role":"assistant","content":[{"type":"text","text":"a cat"},{"type":"refusal","refusal":"no more"}],
                  "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"ok"}]}],
                 "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{},"strict":true}},
                          {"type":"custom","custom":{"name":"g"}}],
                 "tool_choice":{"type":"function","function":{"name":"f"}},
                 "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{},"strict":true}},
                 "user":"u","seed":7,"logit_bias":{"50256":-100},"store":false,"metadata":{"a":"b"}}""")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "[1, [2]]         | prompt[1]",
            "[[1], 2]         | prompt[1]",
            "[\"a\", 1]       | prompt[1]",
            "[1, \"a\"]       | prompt[1]",
            "[[1, \"a\"]]     | prompt[0][1]",
            "[[]]             | prompt[0]",
            "[-1]             | prompt[0]",
            "[1.5]            | prompt[0]",
            "[true]           | prompt[0]",
            "[{}]             | prompt[0]",
            "[]               | prompt",
            "{}               | prompt",
            "5                | prompt",
    })
    void completionPromptsHaveOneShape(String prompt, String param) {
        String body = "{\"model\":\"m\",\"prompt\":" + prompt + "}";
        assertEquals(param, refused(() -> RequestValidator.completion(unchecked(body))).param());
    }

    @Test
    void completionPromptsOfEachShapePass() {
        for (String prompt : new String[] {"\"hi\"", "[\"a\",\"b\"]", "[1,2,3]", "[[1,2],[3]]"}) {
            assertDoesNotThrow(() -> RequestValidator.completion(unchecked("{\"model\":\"m\",\"prompt\":" + prompt + "}")), prompt);
        }
        assertEquals("echo", refused(() -> RequestValidator.completion(unchecked("{\"model\":\"m\",\"prompt\":\"a\",\"echo\":1}"))).param());
        assertEquals("suffix", refused(() -> RequestValidator.completion(unchecked("{\"model\":\"m\",\"prompt\":\"a\",\"suffix\":1}"))).param());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "[1, [2]]         | input[1]",
            "[[1], 2]         | input[1]",
            "[[1, 2.5]]       | input[0][1]",
            "[-3]             | input[0]",
            "[\"a\", [1]]     | input[1]",
    })
    void embeddingInputsHaveOneShape(String input, String param) {
        String body = "{\"model\":\"m\",\"input\":" + input + "}";
        assertEquals(param, refused(() -> RequestValidator.embeddings(unchecked(body))).param());
        assertEquals("user", refused(() -> RequestValidator.embeddings(unchecked("{\"model\":\"m\",\"input\":\"a\",\"user\":1}"))).param());
    }

    private static JsonNode unchecked(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
