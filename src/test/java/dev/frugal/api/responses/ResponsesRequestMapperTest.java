package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link ResponsesRequestMapper} refuses (a 400 naming the field, before any upstream call) and how it continues a stored context. */
@Tag("unit")
class ResponsesRequestMapperTest {
    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) Json.parse(s.replace('\'', '"'));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{'input':'hi'}                                                                 | model                 | missing_required_parameter",
            "{'model':'m'}                                                                  | input                 | missing_required_parameter",
            "{'model':'m','input':7}                                                        | input                 | invalid_type",
            "{'model':'m','input':'hi','background':true}                                   | background            | unsupported_parameter",
            "{'model':'m','input':'hi','conversation':'conv_1'}                             | conversation          | unsupported_parameter",
            "{'model':'m','input':'hi','tools':[{'type':'web_search'}]}                     | tools[0].type         | invalid_value",
            "{'model':'m','input':'hi','tools':[{'type':'function'}]}                       | tools[0].name         | missing_required_parameter",
            "{'model':'m','input':'hi','tool_choice':'sometimes'}                           | tool_choice           | invalid_value",
            "{'model':'m','input':'hi','text':{'format':{'type':'json_schema','name':'x'}}} | text.format.schema    | missing_required_parameter",
            "{'model':'m','input':'hi','temperature':3}                                     | temperature           | invalid_value",
            "{'model':'m','input':'hi','max_output_tokens':0}                               | max_output_tokens     | invalid_value",
            "{'model':'m','input':'hi','reasoning':{'effort':'extreme'}}                    | reasoning.effort      | invalid_value",
            "{'model':'m','input':'hi','metadata':{'k':1}}                                  | metadata.k            | invalid_type",
            "{'model':'m','input':'hi','store':'yes'}                                       | store                 | invalid_type",
            "{'model':'m','input':[{'type':'web_search_call','id':'ws_1'}]}                 | input[0].type         | invalid_value",
            "{'model':'m','input':[{'role':'tool','content':'x'}]}                          | input[0].role         | invalid_value",
            "{'model':'m','input':[{'type':'function_call','call_id':'c','name':'f'}]}      | input[0].arguments    | missing_required_parameter",
            "{'model':'m','input':[{'type':'function_call','call_id':'c','name':'f','arguments':'{}'}]} | input      | invalid_value",
            "{'model':'m','input':[{'type':'function_call_output','call_id':'c','output':'x'}]}        | input      | invalid_value",
            "{'model':'m','input':[{'type':'item_reference','id':'msg_nope'}]}              | input[0].id           | invalid_value",
            "{'model':'m','input':[{'role':'user','content':[{'type':'input_image','file_id':'file-1'}]}]} | input[0].content[0].image_url | unsupported_parameter",
    })
    void aBadRequestIsA400NamingTheField(String body, String param, String code) throws Exception {
        GatewayError e = assertThrows(GatewayError.class, () -> ResponsesRequestMapper.toChat(json(body), null));
        assertEquals(400, e.status());
        assertEquals(param, e.param(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
    }

    @Test
    void anOutputItemsIdNamesItsResponseAndAReferenceToItIsResolvedFromTheItemsGiven() throws Exception {
        String response = ResponseObject.newId();
        String fc = ResponseObject.itemId("fc_", response);
        assertTrue(fc.startsWith("fc_") && !fc.equals(ResponseObject.itemId("fc_", response)), fc);
        assertEquals(response, ResponseObject.responseOfItem(fc));
        assertEquals(null, ResponseObject.responseOfItem("fc_abc"), "an id of another shape names none");
        assertEquals(null, ResponseObject.responseOfItem("fc_a-b_c"));

        ObjectNode body = json("{'model':'m','input':[{'role':'user','content':'hi'},{'type':'item_reference','id':'" + fc + "'},"
                + "{'type':'item_reference','id':'fc_elsewhere_x'}]}");
        assertEquals(java.util.Set.of(response), ResponsesRequestMapper.referencedResponses(body, null));
        assertEquals(java.util.Set.of(), ResponsesRequestMapper.referencedResponses(body, response), "previous_response_id's own is read anyway");

        ObjectNode call = json("{'id':'" + fc + "','type':'function_call','call_id':'call_1','name':'f','arguments':'{}','status':'completed'}");
        ObjectNode one = json("{'model':'m','input':[{'role':'user','content':'hi'},{'type':'item_reference','id':'" + fc + "'},"
                + "{'type':'function_call_output','call_id':'call_1','output':'ok'}]}");
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(one, null, java.util.Map.of(fc, call));
        assertEquals("call_1", t.chat().at("/messages/1/tool_calls/0/id").asText(), t.chat().toString());
        GatewayError e = assertThrows(GatewayError.class, () -> ResponsesRequestMapper.toChat(one, null, java.util.Map.of()));
        assertEquals("input[1].id", e.param());
    }

    @Test
    void aContinuationPutsTheStoredContextFirstAndAnswersItsCall() throws Exception {
        ArrayNode prior = (ArrayNode) Json.parse(("[{'id':'msg_u','type':'message','role':'user','status':'completed','content':[{'type':'input_text','text':'Weather?'}]},"
                + "{'id':'fc_1','type':'function_call','call_id':'call_1','name':'get_weather','arguments':'{}','status':'completed'}]").replace('\'', '"'));
        ResponsesRequestMapper.Translated t = ResponsesRequestMapper.toChat(json("{'model':'m','previous_response_id':'resp_1',"
                + "'input':[{'id':'fc_1','type':'function_call','call_id':'call_1','name':'get_weather','arguments':'{}'},"
                + "{'type':'function_call_output','call_id':'call_1','output':'sunny'}]}"), prior);
        ArrayNode messages = (ArrayNode) t.chat().get("messages");
        assertEquals(3, messages.size(), "the resent call (same id) is not sent twice: " + messages);
        assertEquals("tool", messages.get(2).get("role").asText());
        assertEquals(3, t.context().size());
        assertTrue(t.context().get(2).get("id").asText().startsWith("fco_"));
        assertEquals("resp_1", t.echo().get("previous_response_id").asText());
        assertFalse(t.chat().has("store") || t.chat().has("metadata") || t.chat().has("previous_response_id"), "gateway fields stay here");
    }

    @Test
    void anUnansweredCallInTheChainIsRefused() throws Exception {
        ArrayNode prior = (ArrayNode) Json.parse("[{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"{}\"}]");
        GatewayError e = assertThrows(GatewayError.class, () -> ResponsesRequestMapper.toChat(json("{'model':'m','input':'and now?'}"), prior));
        assertEquals("No tool output found for function call call_1.", e.getMessage());
    }
}
