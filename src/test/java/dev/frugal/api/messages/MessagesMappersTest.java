package dev.frugal.api.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure translations behind {@code /v1/messages}, without a server. */
@Tag("unit")
class MessagesMappersTest {

    static JsonNode json(String s) {
        try {
            return Json.parse(s.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static ObjectNode toOpenAi(String anthropic) {
        return MessagesRequestMapper.toOpenAi(json(anthropic)).openAi();
    }

    // ---- request -----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "auto               | {'type':'auto'}                                    | 'auto'",
            "any → required     | {'type':'any'}                                     | 'required'",
            "none               | {'type':'none'}                                    | 'none'",
            "tool → function    | {'type':'tool','name':'f'}                         | {'type':'function','function':{'name':'f'}}"})
    void toolChoiceIsMapped(String name, String anthropic, String openAi) {
        ObjectNode out = toOpenAi("{'model':'m','max_tokens':5,'tools':[{'name':'f','input_schema':{'type':'object'}}],"
                + "'tool_choice':" + anthropic + ",'messages':[{'role':'user','content':'hi'}]}");
        assertEquals(json(openAi), out.get("tool_choice"));
        assertFalse(out.has("parallel_tool_calls"));
    }

    @Test
    void aToolChoiceWithoutToolsIsNotSentUpstream() {
        ObjectNode out = toOpenAi("{'model':'m','max_tokens':5,'tool_choice':{'type':'any','disable_parallel_tool_use':true},"
                + "'messages':[{'role':'user','content':'hi'}]}");
        assertFalse(out.has("tool_choice") || out.has("tools") || out.has("parallel_tool_calls"), out.toString());
    }

    @Test
    void aSystemStringAndAStreamAreMapped() {
        MessagesRequestMapper.Translated t = MessagesRequestMapper.toOpenAi(json(
                "{'model':'m','max_tokens':5,'stream':true,'system':'Be brief.','messages':[{'role':'user','content':'hi'}]}"));
        assertTrue(t.stream());
        assertEquals(json("{'model':'m','messages':[{'role':'system','content':'Be brief.'},{'role':'user','content':'hi'}],"
                + "'max_completion_tokens':5,'stream':true,'stream_options':{'include_usage':true}}"), t.openAi());
    }

    @Test
    void documentsAndImagesInToolResultsAreMapped() {
        ObjectNode out = toOpenAi("{'model':'m','max_tokens':5,'messages':["
                + "{'role':'user','content':[{'type':'document','title':'a.pdf','source':{'type':'base64','media_type':'application/pdf','data':'JVBE'}},"
                + "{'type':'document','source':{'type':'text','media_type':'text/plain','data':'notes'}},"
                + "{'type':'image','source':{'type':'url','url':'https://example.com/a.png'}}]},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'t1','name':'shot','input':{}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t1','is_error':true,'content':["
                + "{'type':'text','text':'see'},{'type':'image','source':{'type':'base64','media_type':'image/gif','data':'R0lG'}}]}]}]}");
        JsonNode msgs = out.get("messages");
        assertEquals(json("[{'type':'file','file':{'file_data':'data:application/pdf;base64,JVBE','filename':'a.pdf'}},"
                + "{'type':'text','text':'notes'},{'type':'image_url','image_url':{'url':'https://example.com/a.png'}}]"), msgs.get(0).get("content"));
        assertEquals(json("{'role':'assistant','content':null,'tool_calls':[{'id':'t1','type':'function','function':{'name':'shot','arguments':'{}'}}]}"),
                msgs.get(1));
        assertEquals(json("{'role':'tool','tool_call_id':'t1','content':'see'}"), msgs.get(2));
        assertEquals(json("{'role':'user','content':[{'type':'image_url','image_url':{'url':'data:image/gif;base64,R0lG'}}]}"), msgs.get(3),
                "an image in a tool result travels in the user message after it");
    }

    @Test
    void thinkingIsKeptOnlyOnToolCallingTurns() {
        ObjectNode out = toOpenAi("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},"
                + "{'role':'assistant','content':[{'type':'thinking','thinking':'hm','signature':'s'},{'type':'redacted_thinking','data':'x'},"
                + "{'type':'text','text':'Hello'},{'type':'text','text':'again'}]},{'role':'user','content':'go on'}]}");
        assertEquals(json("{'role':'assistant','content':'Hello\\n\\nagain'}"), out.get("messages").get(1));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'model':'m','max_tokens':0,'messages':[{'role':'user','content':'hi'}]}                                   | max_tokens",
            "{'model':'m','max_tokens':5.5,'messages':[{'role':'user','content':'hi'}]}                                 | max_tokens",
            "{'model':'','max_tokens':5,'messages':[{'role':'user','content':'hi'}]}                                    | model",
            "{'model':'m','max_tokens':5,'system':[{'type':'image'}],'messages':[{'role':'user','content':'hi'}]}       | system[0].type",
            "{'model':'m','max_tokens':5,'system':7,'messages':[{'role':'user','content':'hi'}]}                       | system",
            "{'model':'m','max_tokens':5,'stop_sequences':'END','messages':[{'role':'user','content':'hi'}]}           | stop_sequences",
            "{'model':'m','max_tokens':5,'metadata':{'user_id':5},'messages':[{'role':'user','content':'hi'}]}         | metadata.user_id",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user'}]}                                                  | messages[0].content",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':5}]}                                      | messages[0].content",
            "{'model':'m','max_tokens':5,'messages':['hi']}                                                             | messages[0]",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[]}]}                                     | messages[0].content",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'tool_use','id':'a','name':'f','input':{}}]}]} | messages[0].content[0].type",
            "{'model':'m','max_tokens':5,'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'a','name':'f','input':'x'}]}]} | messages[0].content[0].input",
            "{'model':'m','max_tokens':5,'messages':[{'role':'assistant','content':[{'type':'image','source':{}}]}]}   | messages[0].content[0].type",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'text':'no type'}]}]}                  | messages[0].content[0].type",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'image','source':{'type':'file','file_id':'f'}}]}]} | messages[0].content[0].source.type",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'document','source':{'type':'base64','media_type':'text/html','data':'x'}}]}]} | messages[0].content[0].source.media_type",
            "{'model':'m','max_tokens':5,'tools':[{'name':'bad name','input_schema':{}}],'messages':[{'role':'user','content':'hi'}]} | tools[0].name",
            "{'model':'m','max_tokens':5,'tool_choice':{'type':'tool'},'messages':[{'role':'user','content':'hi'}]}   | tool_choice.name",
            "{'model':'m','max_tokens':5,'top_k':-1,'messages':[{'role':'user','content':'hi'}]}                      | top_k",
            "{'model':'m','max_tokens':5,'thinking':true,'messages':[{'role':'user','content':'hi'}]}                 | thinking",
            // strict types (issue 10): each of these was accepted, dropped or read as text before
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},{'role':'assistant','content':[{'type':'thinking','thinking':5}]}]} | messages[1].content[0].thinking",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},{'role':'assistant','content':[{'type':'thinking','thinking':'t','signature':1}]}]} | messages[1].content[0].signature",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'image','source':'http://x/a.png'}]}]} | messages[0].content[0].source",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'document','title':3,'source':{'type':'text','data':'x'}}]}]} | messages[0].content[0].title",
            "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'text','text':'a','cache_control':'ephemeral'}]}]} | messages[0].content[0].cache_control",
            "{'model':'m','max_tokens':5,'tools':[{'name':'f','input_schema':{},'strict':'yes'}],'messages':[{'role':'user','content':'hi'}]} | tools[0].strict",
            "{'model':'m','max_tokens':5,'tools':[{'type':5,'name':'f','input_schema':{}}],'messages':[{'role':'user','content':'hi'}]} | tools[0].type",
            "{'model':'m','max_tokens':5,'service_tier':1,'messages':[{'role':'user','content':'hi'}]}                | service_tier"})
    void badRequestsNameTheField(String body, String param) {
        GatewayError e = assertThrows(GatewayError.class, () -> toOpenAi(body));
        assertEquals(400, e.status());
        assertEquals(param, e.param());
    }

    // ---- response ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}, tool calls {1} → {2}")
    @CsvSource({"stop,false,end_turn", "stop,true,tool_use", "length,false,max_tokens", "tool_calls,true,tool_use",
            "function_call,true,tool_use", "content_filter,false,refusal", ",false,end_turn", "eos,false,end_turn"})
    void finishReasonsBecomeStopReasons(String finish, boolean toolCalls, String stop) {
        assertEquals(stop, MessagesResponseMapper.stopReason(finish, toolCalls));
    }

    @Test
    void aRefusalAndArgumentsThatAreNotAnObject() {
        ObjectNode m = MessagesResponseMapper.toAnthropic(json("{'id':'msg_keep','choices':[{'message':{'content':null,'refusal':'No.',"
                + "'tool_calls':[{'id':'c1','function':{'name':'f','arguments':'{broken'}},{'id':'c2','function':{'name':'g','arguments':''}}]},"
                + "'finish_reason':'content_filter'}]}"), "m", new Usage(10, 3, 10, 0));
        assertEquals("msg_keep", m.get("id").asText());
        assertEquals(json("[{'type':'text','text':'No.'},{'type':'tool_use','id':'c1','name':'f','input':'{broken'},"
                + "{'type':'tool_use','id':'c2','name':'g','input':{}}]"), m.get("content"));
        assertEquals("refusal", m.get("stop_reason").asText());
        assertEquals("{\"input_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":10,\"output_tokens\":3}",
                Json.write(m.get("usage")), "10 prompt tokens, all cached");
    }

    // ---- stream ------------------------------------------------------------------------------

    static final String HEAD = "{'id':'c','object':'chat.completion.chunk','created':1,'model':'m','choices':[{'index':0,'delta':";

    static List<String> stream(String... chunks) {
        MessagesStreamMapper m = new MessagesStreamMapper("asked");
        List<String> out = new ArrayList<>();
        MessagesStreamMapper.Sink sink = (name, data) -> out.add(name + " " + data);
        for (String c : chunks) m.chunk(c.replace('\'', '"'), sink);
        m.end(new Usage(7, 2, 0, 0), sink);
        return out;
    }

    @Test
    void textAfterAToolCallClosesTheToolBlockAndALateFragmentKeepsItsIndex() {
        List<String> ev = stream(
                HEAD + "{'tool_calls':[{'index':0,'id':'a','type':'function','function':{'name':'f','arguments':'{'}}]},'finish_reason':null}]}",
                HEAD + "{'content':'Note'},'finish_reason':null}]}",
                HEAD + "{'tool_calls':[{'index':0,'function':{'arguments':'}'}}]},'finish_reason':null}]}",
                HEAD + "{},'finish_reason':'tool_calls'}]}");
        assertEquals(List.of(
                // decision 0018: the upstream's model ("m" in the chunks), not the name asked for
                "message_start {\"type\":\"message_start\",\"message\":{\"id\":\"msg_c\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
                        + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":0,"
                        + "\"cache_read_input_tokens\":0,\"output_tokens\":0}}}",
                "content_block_start {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"a\",\"name\":\"f\",\"input\":{}}}",
                "content_block_delta {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}",
                "content_block_stop {\"type\":\"content_block_stop\",\"index\":0}",
                "content_block_start {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "content_block_delta {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Note\"}}",
                "content_block_delta {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"}\"}}",
                "content_block_stop {\"type\":\"content_block_stop\",\"index\":1}",
                "message_delta {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":7,"
                        + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":2}}",
                "message_stop {\"type\":\"message_stop\"}"), ev);
    }

    @Test
    void aStreamWithNoContentStillOpensAndClosesTheMessage() {
        List<String> ev = stream(HEAD + "{'role':'assistant','content':''},'finish_reason':null}]}", HEAD + "{},'finish_reason':'length'}]}");
        assertEquals(3, ev.size(), ev.toString());
        assertTrue(ev.get(0).startsWith("message_start "));
        assertTrue(ev.get(1).contains("\"stop_reason\":\"max_tokens\""));
        assertTrue(ev.get(2).startsWith("message_stop "));
    }

    @Test
    void otherChoicesAndChunksThatAreNotJsonAreIgnored() {
        List<String> ev = stream("{'id':'c','choices':[{'index':1,'delta':{'content':'other'}}]}", "not json",
                HEAD + "{'refusal':'I cannot.'},'finish_reason':'content_filter'}]}");
        assertTrue(ev.stream().noneMatch(e -> e.contains("other")));
        assertTrue(ev.stream().anyMatch(e -> e.contains("\"text\":\"I cannot.\"")));
        assertTrue(ev.stream().anyMatch(e -> e.contains("\"stop_reason\":\"refusal\"")));
    }

    // ---- errors ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource({"400,invalid_value,invalid_request_error", "401,invalid_api_key,authentication_error", "403,x,permission_error",
            "404,model_not_found,not_found_error", "405,method_not_allowed,invalid_request_error", "413,request_too_large,request_too_large",
            "415,unsupported_media_type,invalid_request_error", "429,upstream_rate_limited,rate_limit_error", "429,insufficient_quota,billing_error",
            "500,internal_error,api_error", "502,upstream_error,api_error", "503,upstream_overloaded,overloaded_error", "504,upstream_timeout,timeout_error"})
    void errorTypesFollowTheStatus(int status, String code, String type) {
        GatewayError e = new GatewayError(status, "t", code, null, "m");
        assertEquals(type, MessagesErrors.type(e));
        assertEquals(json("{'type':'error','error':{'type':'" + type + "','message':'m'},'request_id':'req_1'}"), MessagesErrors.body(e, "req_1"));
    }

    @Test
    void theParamOfA400IsNamedInTheMessage() {
        assertEquals("tools[0].type: Nope.", MessagesErrors.body(GatewayError.unsupported("Nope.", "tools[0].type"), null).path("error").path("message").asText());
        assertEquals("Missing required parameter: 'max_tokens'.",
                MessagesErrors.body(GatewayError.missingField("max_tokens"), null).path("error").path("message").asText());
    }
}
