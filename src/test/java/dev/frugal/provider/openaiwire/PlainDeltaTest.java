package dev.frugal.provider.openaiwire;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fast path of the stream mapper only skips chunks that carry nothing it acts on. */
@Tag("unit")
class PlainDeltaTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null} | true",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\" : null}]}          | true",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"say \\\"error\\\"\"},\"finish_reason\":null}]} | true",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}                         | false",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\": \"eos\"}]}                         | false",
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1}}                                          | false",
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0}]},\"finish_reason\":null}]} | false",
            "{\"error\":{\"message\":\"boom\"}}                                                                     | false",
            "{\"id\":\"c\",\"x_groq\":{\"usage\":{}},\"choices\":[]}                                                | false",
            "{\"id\":\"c\",\"timings\":{},\"choices\":[]}                                                           | false",
            "[1,2]                                                                                                  | false",
    })
    void onlyChunksWithNothingToActOnTakeTheFastPath(String json, boolean plain) {
        assertEquals(plain, OpenAiStreamMapper.plainDelta(json));
    }
}
