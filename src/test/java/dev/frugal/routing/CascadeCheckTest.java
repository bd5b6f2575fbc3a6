package dev.frugal.routing;

import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each rule of {@link CascadeCheck}, table-driven: the answer, whether the request asked for JSON, the verdict. */
@Tag("unit")
class CascadeCheckTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a plain answer passes                 | {"choices":[{"message":{"content":"Paris."},"finish_reason":"stop"}]}                        | false | pass
            cut at the output limit               | {"choices":[{"message":{"content":"Paris is the"},"finish_reason":"length"}]}                | false | length
            length wins over invalid JSON         | {"choices":[{"message":{"content":"{\\"a\\":"},"finish_reason":"length"}]}                   | true  | length
            OpenAI's refusal field                | {"choices":[{"message":{"content":null,"refusal":"I can't help."},"finish_reason":"stop"}]} | false | refusal
            a null refusal is no refusal          | {"choices":[{"message":{"content":"Yes.","refusal":null},"finish_reason":"stop"}]}          | false | pass
            a short refusal phrase                | {"choices":[{"message":{"content":"I'm sorry, but I can't help with that."}}]}              | false | refusal
            curly apostrophes and case            | {"choices":[{"message":{"content":"I\\u2019M SORRY, BUT I CAN\\u2019T do this."}}]}         | false | refusal
            an apology inside an answer passes    | {"choices":[{"message":{"content":"Paris. I'm sorry, but I can't say more."}}]}             | false | pass
            a phrase not at the start passes      | {"choices":[{"message":{"content":"Well, I can't help with rent, but here is a plan."}}]}   | false | pass
            an empty content                      | {"choices":[{"message":{"content":""},"finish_reason":"stop"}]}                              | false | empty
            blank content                         | {"choices":[{"message":{"content":" \\n "},"finish_reason":"stop"}]}                         | false | empty
            null content without tool calls       | {"choices":[{"message":{"content":null},"finish_reason":"stop"}]}                            | false | empty
            tool calls with null content pass     | {"choices":[{"message":{"content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]} | true | pass
            no choices                            | {"choices":[]}                                                                                | false | empty
            no choices field                      | {"id":"x"}                                                                                    | false | empty
            JSON asked, JSON object given         | {"choices":[{"message":{"content":" {\\"answer\\": 42} "},"finish_reason":"stop"}]}          | true  | pass
            JSON asked, prose around it           | {"choices":[{"message":{"content":"Sure: {\\"answer\\": 42}"},"finish_reason":"stop"}]}      | true  | invalid_json
            JSON asked, trailing text             | {"choices":[{"message":{"content":"{\\"answer\\": 42} hope this helps"}}]}                   | true  | invalid_json
            JSON asked, an array is not an object | {"choices":[{"message":{"content":"[1,2]"},"finish_reason":"stop"}]}                         | true  | invalid_json
            prose passes when no JSON was asked   | {"choices":[{"message":{"content":"Sure: {\\"answer\\": 42}"},"finish_reason":"stop"}]}      | false | pass
            a completion's text                   | {"choices":[{"text":"once upon","finish_reason":"length"}]}                                   | false | length
            a completion's empty text             | {"choices":[{"text":"","finish_reason":"stop"}]}                                              | false | empty
            the worst choice decides              | {"choices":[{"message":{"content":"ok"},"finish_reason":"stop"},{"message":{"content":""},"finish_reason":"stop"}]} | false | empty
            """)
    void checks(String rule, String completion, boolean jsonRequired, String expected) throws Exception {
        CascadeCheck.Reason r = CascadeCheck.check(Json.parse(completion), jsonRequired);
        assertEquals(expected, r == null ? "pass" : r.tag(), rule);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            I can't help with that.                 | true
            I cannot assist with this request.      | true
            Sorry, I can't do that.                 | true
            I'm unable to help with that request.   | true
            Yes, I can help with that.              | false
            I can help with that.                   | false
            """)
    void refusalPhrases(String text, boolean refusal) {
        assertEquals(refusal, CascadeCheck.isRefusal(text), text);
    }

    @org.junit.jupiter.api.Test
    void aLongTextThatBeginsWithAnApologyIsAnAnswer() {
        String text = "I'm sorry, but I can't be brief here: " + "the answer needs detail. ".repeat(20);
        assertEquals(false, CascadeCheck.isRefusal(text));
    }
}
