package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.frugal.api.responses.ResponsesRequestMapper.UnsupportedTools.DROP;
import static dev.frugal.api.responses.ResponsesRequestMapper.UnsupportedTools.REJECT;
import static dev.frugal.api.responses.ResponsesRequestMapperTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Codex CLI's requests (recorded: {@code fixtures/responses/codex/}, see its NOTE) and custom tools
 * through the pure mappers: the free-form {@code apply_patch} becomes a function with one string
 * parameter, the model's call of it a {@code custom_tool_call}, and the call and its output sent back
 * (whole history, or through a stored context) become the chat tool call and tool message again;
 * tools without a chat form are refused or dropped by the policy.
 */
@Tag("unit")
class CustomToolsTest {
    static final Path CODEX = Path.of("src/test/resources/fixtures/responses/codex");
    static final String PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello from frugal\n*** End Patch\n";

    static ObjectNode codex(int turn) throws Exception {
        return (ObjectNode) Json.parse(Files.readString(CODEX.resolve("turn-" + turn + ".json")));
    }

    /** The chat function a tool became, by name. */
    static JsonNode function(ObjectNode chat, String name) {
        for (JsonNode t : chat.path("tools")) if (t.path("function").path("name").asText().equals(name)) return t.get("function");
        throw new AssertionError("no chat tool " + name + " in " + chat.path("tools"));
    }

    @Test
    void codexsRequestIsRefusedByDefaultNamingItsFirstToolWithoutAChatForm() throws Exception {
        GatewayError e = assertThrows(GatewayError.class, () -> ResponsesRequestMapper.toChat(codex(1), null, Map.of(), REJECT));
        assertEquals(400, e.status());
        int toolSearch = 0;
        while (!codex(1).get("tools").get(toolSearch).get("type").asText().equals("tool_search")) toolSearch++;
        assertEquals("tools[" + toolSearch + "].type", e.param(), e.getMessage());
        assertTrue(e.getMessage().contains("'tool_search'") && e.getMessage().contains("frugal.responses.unsupported-tools=drop"), e.getMessage());
    }

    @Test
    void codexsRequestWithDropBecomesAChatRequestWithItsFunctionsAndApplyPatch() throws Exception {
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(codex(1), null, Map.of(), DROP);
        assertEquals(List.of("tool_search", "web_search"), t.dropped());
        assertTrue(t.stream());
        assertFalse(t.store());
        List<String> names = new ArrayList<>();
        t.chat().get("tools").forEach(tool -> names.add(tool.path("function").path("name").asText()));
        assertEquals(List.of("exec_command", "write_stdin", "request_user_input", "apply_patch", "view_image", "get_goal", "create_goal",
                "update_goal"), names);

        JsonNode patch = function(t.chat(), "apply_patch");
        assertEquals("string", patch.at("/parameters/properties/input/type").asText());
        assertEquals("[\"input\"]", patch.at("/parameters/required").toString());
        String description = patch.get("description").asText();
        assertTrue(description.startsWith("The `apply_patch` tool can be used to edit files."), description);
        assertTrue(description.contains("pass the whole text, unchanged, as the string parameter 'input'"), description);
        assertTrue(description.contains("lark syntax") && description.contains("begin_patch: \"*** Begin Patch\" LF"), description);
        assertFalse(patch.has("strict"));

        // the echoed tools are those the model saw, the custom one as sent
        assertEquals("custom", t.echo().get("tools").get(3).get("type").asText());
        assertEquals("grammar", t.echo().get("tools").get(3).at("/format/type").asText());
        // Codex's developer messages become system messages, its own item ids are kept
        assertEquals("system", t.chat().get("messages").get(0).get("role").asText());
        assertEquals("create hello.txt", t.chat().get("messages").get(3).get("content").asText());
        assertTrue(t.context().get(3).get("id").asText().startsWith("msg_01a24bd0-"), t.context().get(3).toString());
    }

    @Test
    void theSecondTurnResendsTheCustomCallAndItsOutputWhichBecomeAChatToolCallAndAToolMessage() throws Exception {
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(codex(2), null, Map.of(), DROP);
        ArrayNode messages = (ArrayNode) t.chat().get("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        assertEquals("assistant", assistant.get("role").asText());
        JsonNode call = assistant.get("tool_calls").get(0);
        assertEquals("call_abc", call.get("id").asText());
        assertEquals("apply_patch", call.at("/function/name").asText());
        assertEquals(PATCH, Json.parse(call.at("/function/arguments").asText()).get("input").asText());
        JsonNode tool = messages.get(messages.size() - 1);
        assertEquals("tool", tool.get("role").asText());
        assertEquals("call_abc", tool.get("tool_call_id").asText());
        assertTrue(tool.get("content").asText().contains("A hello.txt"), tool.toString());
    }

    static final String TOOLS = "'tools':[{'type':'custom','name':'apply_patch','description':'Edits files.'},"
            + "{'type':'function','name':'exec_command','parameters':{'type':'object','properties':{'cmd':{'type':'string'}}}}]";

    /** A chat completion calling apply_patch with {@code patchArgs} and exec_command. */
    static JsonNode completion(String patchArgs) {
        ObjectNode c = Json.object().put("model", "up");
        ObjectNode message = c.putArray("choices").addObject().put("finish_reason", "tool_calls").putObject("message").put("role", "assistant");
        message.putNull("content");
        ArrayNode calls = message.putArray("tool_calls");
        calls.addObject().put("id", "call_1").put("type", "function").putObject("function").put("name", "apply_patch").put("arguments", patchArgs);
        calls.addObject().put("id", "call_2").put("type", "function").putObject("function").put("name", "exec_command")
                .put("arguments", "{\"cmd\":\"ls\"}");
        return c;
    }

    @Test
    void theModelsCallOfACustomToolIsACustomToolCallItemWithItsInput() throws Exception {
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(json("{'model':'m','input':'patch it'," + TOOLS + "}"), null);
        ObjectNode response = ResponseObject.start(ResponseObject.newId(), 1, "m", t.echo());
        ResponseObject.complete(response, completion(CustomTools.arguments(PATCH)), new Usage(10, 5, 0, 0), 2);
        JsonNode custom = response.get("output").get(0);
        assertEquals("custom_tool_call", custom.get("type").asText());
        assertTrue(custom.get("id").asText().startsWith("ctc_"), custom.toString());
        assertEquals(response.get("id").asText(), ResponseObject.responseOfItem(custom.get("id").asText()));
        assertEquals("call_1", custom.get("call_id").asText());
        assertEquals("apply_patch", custom.get("name").asText());
        assertEquals(PATCH, custom.get("input").asText());
        assertEquals("completed", custom.get("status").asText());
        assertFalse(custom.has("arguments"));
        assertEquals("function_call", response.get("output").get(1).get("type").asText());

        // a model that wrote the free-form text itself rather than the object: the text is the input
        ResponseObject.complete(response, completion("*** Begin Patch"), new Usage(10, 5, 0, 0), 2);
        assertEquals("*** Begin Patch", response.get("output").get(0).get("input").asText());
    }

    @Test
    void aContinuationThroughTheStoredContextAnswersTheCustomCall() throws Exception {
        ResponsesRequestMapper.Translated first = ResponsesRequestMapper.toChat(json("{'model':'m','input':'patch it'," + TOOLS + "}"), null);
        ObjectNode response = ResponseObject.start(ResponseObject.newId(), 1, "m", first.echo());
        ResponseObject.complete(response, completion(CustomTools.arguments(PATCH)), new Usage(10, 5, 0, 0), 2);
        ArrayNode stored = first.context().deepCopy();
        response.get("output").forEach(stored::add);

        ResponsesRequestMapper.Translated next = ResponsesRequestMapper.toChat(json("{'model':'m'," + TOOLS + ",'input':["
                + "{'type':'custom_tool_call_output','call_id':'call_1','output':'Done: A hello.txt'},"
                + "{'type':'function_call_output','call_id':'call_2','output':'hello.txt'}]}"), stored);
        ArrayNode messages = (ArrayNode) next.chat().get("messages");
        assertEquals(List.of("user", "assistant", "tool", "tool"), roles(messages));
        assertEquals(PATCH, Json.parse(messages.get(1).at("/tool_calls/0/function/arguments").asText()).get("input").asText());
        assertEquals("Done: A hello.txt", messages.get(2).get("content").asText());
        String outputId = next.context().get(next.context().size() - 2).get("id").asText();
        assertTrue(outputId.startsWith("ctco_"), outputId);

        // the call unanswered: the same 400 as for a function call
        GatewayError e = assertThrows(GatewayError.class, () -> ResponsesRequestMapper.toChat(json("{'model':'m'," + TOOLS + ",'input':["
                + "{'type':'function_call_output','call_id':'call_2','output':'hello.txt'}]}"), stored));
        assertEquals("No tool output found for function call call_1.", e.getMessage());
    }

    static List<String> roles(ArrayNode messages) {
        List<String> roles = new ArrayList<>();
        messages.forEach(m -> roles.add(m.get("role").asText()));
        return roles;
    }

    @Test
    void aStreamedCustomCallSendsItsDecodedInputWhenTheCallEnds() throws Exception {
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(json("{'model':'m','input':'patch it','stream':true," + TOOLS + "}"), null);
        ResponsesStreamMapper mapper = new ResponsesStreamMapper(ResponseObject.start(ResponseObject.newId(), 1, "m", t.echo()));
        List<JsonNode> events = new ArrayList<>();
        ResponsesStreamMapper.Sink sink = (type, data) -> {
            try {
                events.add(Json.parse(data));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        String args = CustomTools.arguments(PATCH);
        int half = args.length() / 2;
        mapper.chunk("{\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"apply_patch\",\"arguments\":" + Json.write(Json.nodes().textNode(args.substring(0, half))) + "}}]}}]}", sink);
        mapper.chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + Json.write(Json.nodes().textNode(args.substring(half))) + "}}]},\"finish_reason\":\"tool_calls\"}]}", sink);
        mapper.end(new Usage(10, 5, 0, 0), 2, sink);

        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("type").asText()));
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added", "response.custom_tool_call_input.delta",
                "response.custom_tool_call_input.done", "response.output_item.done", "response.completed"), types);
        JsonNode added = events.get(2).get("item");
        assertEquals("custom_tool_call", added.get("type").asText());
        assertEquals("", added.get("input").asText());
        assertEquals("in_progress", added.get("status").asText());
        assertEquals(PATCH, events.get(3).get("delta").asText());
        assertEquals(PATCH, events.get(4).get("input").asText());
        assertEquals(added.get("id").asText(), events.get(4).get("item_id").asText());
        JsonNode done = events.get(5).get("item");
        assertEquals(PATCH, done.get("input").asText());
        assertEquals("completed", done.get("status").asText());
        assertEquals(done, events.get(6).at("/response/output/0"));
        for (int i = 0; i < events.size(); i++) assertEquals(i, events.get(i).get("sequence_number").asInt());
    }

    @Test
    void aBadCustomToolOrCallIsA400NamingTheField() {
        record Bad(String body, String param) {}
        for (Bad b : List.of(
                new Bad("{'model':'m','input':'x','tools':[{'type':'custom','name':'p','format':{'type':'regex'}}]}", "tools[0].format.type"),
                new Bad("{'model':'m','input':'x','tools':[{'type':'custom','name':'p','format':{'type':'grammar'}}]}", "tools[0].format.definition"),
                new Bad("{'model':'m','input':'x','tools':[{'type':'custom'}]}", "tools[0].name"),
                new Bad("{'model':'m','input':'x','tools':[{'type':'custom','name':'p'},{'type':'function','name':'p'}]}", "tools[1].name"),
                new Bad("{'model':'m','input':[{'type':'custom_tool_call','call_id':'c','name':'p'}]}", "input[0].input"),
                new Bad("{'model':'m','input':[{'type':'custom_tool_call_output','call_id':'c','output':'x'}]}", "input"))) {
            GatewayError e = assertThrows(GatewayError.class, () -> ResponsesRequestMapper.toChat(json(b.body()), null), b.body());
            assertEquals(400, e.status(), b.body());
            assertEquals(b.param(), e.param(), b.body() + ": " + e.getMessage());
        }
    }

    @Test
    void dropRemovesOnlyToolsWithoutAChatFormAndToolChoiceCustomForcesTheFunction() throws Exception {
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(json("{'model':'m','input':'x','tools':[{'type':'web_search'},"
                + "{'type':'custom','name':'apply_patch'}],'tool_choice':{'type':'custom','name':'apply_patch'}}"), null, Map.of(), DROP);
        assertEquals(List.of("web_search"), t.dropped());
        assertEquals(1, t.chat().get("tools").size());
        assertEquals("apply_patch", t.chat().at("/tool_choice/function/name").asText());

        ResponsesRequestMapper.Translated none = ResponsesRequestMapper.toChat(json("{'model':'m','input':'x','tools':[{'type':'web_search'}]}"),
                null, Map.of(), DROP);
        assertEquals(List.of("web_search"), none.dropped());
        assertFalse(none.chat().has("tools"));
        assertEquals(0, none.echo().get("tools").size());
    }
}
