package dev.frugal.cache;

import dev.frugal.cache.StoreRule.Refusal;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Only complete, successful answers are stored. */
@Tag("unit")
class StoreRuleTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "stop                         | true  | true  | [\"stop\"]                | false | -",
            "tool calls                   | true  | true  | [\"tool_calls\"]          | false | -",
            "two choices                  | true  | true  | [\"stop\",\"tool_calls\"] | false | -",
            "an error                     | false | true  | [\"stop\"]                | false | ERROR",
            "a cut stream                 | true  | false | [\"stop\"]                | false | INCOMPLETE",
            "no choices                   | true  | true  | []                        | false | INCOMPLETE",
            "a choice without a reason    | true  | true  | [\"stop\",null]           | false | FINISH_REASON",
            "length                       | true  | true  | [\"length\"]              | false | FINISH_REASON",
            "length, when allowed         | true  | true  | [\"length\"]              | true  | -",
            "content filter               | true  | true  | [\"content_filter\"]      | true  | FINISH_REASON",
            "one of two choices filtered  | true  | true  | [\"stop\",\"content_filter\"] | false | FINISH_REASON",
    })
    void which(String what, boolean served, boolean complete, String reasons, boolean storeLength, Refusal expected) throws Exception {
        StringBuilder choices = new StringBuilder("[");
        var list = Json.parse(reasons);
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) choices.append(',');
            choices.append("{\"index\":").append(i).append(",\"finish_reason\":").append(list.get(i)).append('}');
        }
        var completion = Json.parse("{\"object\":\"chat.completion\",\"choices\":" + choices + "]}");
        assertEquals(expected, StoreRule.check(served, complete, completion, storeLength), what);
    }
}
