package dev.frugal.api;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceOptions;
import com.openai.models.responses.inputitems.InputItemListParams;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.SdkGatewayTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official OpenAI Java SDK's Responses API against the gateway, over the OpenAI-compatible,
 * Anthropic and Ollama adapters (fixtures replayed by {@link FakeUpstream}) and the simulator:
 * plain and streamed answers (event types in order), a function-calling round trip through
 * {@code previous_response_id}, structured output, stored responses and their team scope, errors.
 */
@QuarkusTest
class ResponsesSdkTest extends SdkGatewayTest {
    /** A team with its own key that is not {@code e2e} (frugal-test.yaml). */
    static final String OTHER_TEAM_KEY = "frg-test-cache-a-key";

    @Inject LedgerRows ledger;

    static ResponseCreateParams.Builder hello(String model) {
        return ResponseCreateParams.builder().model(model).input("Hello there");
    }

    static FunctionTool weather() {
        return FunctionTool.builder().name("get_weather").description("Weather of a city").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    static String text(Response r) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            if (!item.isMessage()) continue;
            item.asMessage().content().forEach(c -> { if (c.isOutputText()) sb.append(c.asOutputText().text()); });
        }
        return sb.toString();
    }

    static String type(ResponseStreamEvent e) {
        if (e.isCreated()) return "response.created";
        if (e.isInProgress()) return "response.in_progress";
        if (e.isOutputItemAdded()) return "response.output_item.added";
        if (e.isOutputItemDone()) return "response.output_item.done";
        if (e.isContentPartAdded()) return "response.content_part.added";
        if (e.isContentPartDone()) return "response.content_part.done";
        if (e.isOutputTextDelta()) return "response.output_text.delta";
        if (e.isOutputTextDone()) return "response.output_text.done";
        if (e.isFunctionCallArgumentsDelta()) return "response.function_call_arguments.delta";
        if (e.isFunctionCallArgumentsDone()) return "response.function_call_arguments.done";
        if (e.isReasoningTextDelta()) return "response.reasoning_text.delta";
        if (e.isReasoningTextDone()) return "response.reasoning_text.done";
        if (e.isCompleted()) return "response.completed";
        if (e.isIncomplete()) return "response.incomplete";
        if (e.isFailed()) return "response.failed";
        if (e.isError()) return "error";
        return "other";
    }

    record Streamed(List<ResponseStreamEvent> events, Response response) {
        List<String> types() { return events.stream().map(ResponsesSdkTest::type).toList(); }
    }

    Streamed stream(ResponseCreateParams params) {
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(params)) {
            s.stream().forEach(e -> {
                e.validate();
                events.add(e);
                acc.accumulate(e);
            });
        }
        return new Streamed(events, acc.response());
    }

    // ---- plain answers on every backend kind ---------------------------------------------------

    @Test
    void aPlainAnswerOverEachBackendKind() {
        Map<String, String> expected = Map.of("msg-chat-basic", "Hello from the fixture.", "claude-basic", "", "gemini-chat", "", "ollama-chat", "");
        for (String model : List.of("msg-chat-basic", "claude-basic", "gemini-chat", "ollama-chat")) {
            Response r = client.responses().create(hello(model).instructions("Be brief.").build());
            r.validate();
            assertTrue(r.id().startsWith("resp_"), r.id());
            assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow(), model);
            assertFalse(text(r).isEmpty(), model + ": " + r);
            if (!expected.get(model).isEmpty()) assertEquals(expected.get(model), text(r));
            assertTrue(r.usage().orElseThrow().outputTokens() > 0, model);
            assertEquals("Be brief.", r.instructions().orElseThrow().asString());
        }
        JsonObject sent = upstream.last().body(); // the Ollama request: instructions first, then the input
        assertEquals("system", sent.getJsonArray("messages").getJsonObject(0).getString("role"), sent.encode());
    }

    @Test
    void aPlainAnswerHasOneLedgerRowNamingTheSurface() throws Exception {
        var raw = client.responses().withRawResponse().create(hello("msg-chat-basic").build());
        String rid = raw.headers().values("x-request-id").get(0);
        Map<String, Object> row = ledger.row(rid);
        assertEquals("responses", row.get("endpoint"));
        assertEquals("msg-chat-basic", row.get("requested_model"));
        assertEquals(200, LedgerRows.number(row, "status"));
    }

    // ---- streams ---------------------------------------------------------------------------------

    @Test
    void aStreamIsTheResponsesEventSequence() {
        Streamed s = stream(hello("msg-stream-basic").build());
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed"), s.types());
        for (int i = 0; i < s.events().size(); i++) {
            assertEquals(i, sequenceNumber(s.events().get(i)), "sequence numbers count from 0");
        }
        assertEquals("Hello world.", text(s.response()));
        assertEquals(ResponseStatus.COMPLETED, s.response().status().orElseThrow());
        assertEquals(3, s.response().usage().orElseThrow().outputTokens());
    }

    @Test
    void streamsOverTheAnthropicAndOllamaAdapters() {
        for (String model : List.of("claude-stream", "ollama-stream")) {
            Streamed s = stream(hello(model).build());
            List<String> types = s.types();
            assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"),
                    types.subList(0, 4), model);
            assertEquals("response.completed", types.get(types.size() - 1), model);
            assertFalse(text(s.response()).isEmpty(), model);
        }
    }

    @Test
    void aStreamCutByTheOutputLimitIsResponseIncomplete() {
        Streamed s = stream(hello("ollama-length").maxOutputTokens(16).build());
        assertEquals("response.incomplete", s.types().get(s.types().size() - 1), s.types().toString());
        assertEquals(ResponseStatus.INCOMPLETE, s.response().status().orElseThrow());
        assertEquals(com.openai.models.responses.Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS,
                s.response().incompleteDetails().orElseThrow().reason().orElseThrow());
    }

    @Test
    void streamedParallelFunctionCalls() {
        Streamed s = stream(hello("msg-stream-tools").addTool(weather()).build());
        List<ResponseFunctionToolCall> calls = s.response().output().stream()
                .filter(ResponseOutputItem::isFunctionCall).map(ResponseOutputItem::asFunctionCall).toList();
        assertEquals(2, calls.size(), s.response().toString());
        assertEquals("{\"city\": \"Paris\"}", calls.get(0).arguments());
        assertEquals("get_weather", calls.get(0).name());
        assertEquals("call_paris", calls.get(0).callId());
        assertTrue(s.types().contains("response.function_call_arguments.done"));
        assertEquals(2, s.events().stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDone).count());
    }

    @Test
    void reasoningBecomesAReasoningItem() {
        Streamed s = stream(hello("resp-reasoning").build());
        ResponseOutputItem first = s.response().output().get(0);
        assertTrue(first.isReasoning(), s.response().toString());
        assertEquals("Hmm, a greeting. Answer politely.", first.asReasoning().content().orElseThrow().get(0).text());
        assertEquals("Hello! How can I help you today?", text(s.response()));
        assertTrue(s.types().contains("response.reasoning_text.delta"));
    }

    @Test
    void aFailureMidStreamIsResponseFailed() {
        Streamed s = stream(hello("msg-stream-error").build());
        assertEquals("response.failed", s.types().get(s.types().size() - 1), s.types().toString());
        assertEquals(ResponseStatus.FAILED, s.response().status().orElseThrow());
        assertTrue(s.response().error().isPresent());
    }

    // ---- conversation state ------------------------------------------------------------------------

    @Test
    void aFunctionCallRoundTripThroughPreviousResponseId() {
        Response first = client.responses().create(hello("sim-chat").addTool(weather()).toolChoice(ToolChoiceOptions.REQUIRED).build());
        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst().orElseThrow().asFunctionCall();
        assertEquals("get_weather", call.name());
        assertTrue(call.id().orElseThrow().startsWith("fc_"));

        Response second = client.responses().create(ResponseCreateParams.builder().model("sim-chat").previousResponseId(first.id())
                .addTool(weather())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(call.callId()).output("18 C, sunny").build())))
                .build());
        assertEquals(first.id(), second.previousResponseId().orElseThrow());
        assertTrue(text(second).startsWith("This is a simulated answer"), text(second));

        var page = client.responses().inputItems().list(InputItemListParams.builder().responseId(second.id()).order(InputItemListParams.Order.ASC).build());
        List<String> kinds = page.items().stream().map(i -> i.isResponseInputMessageItem() || i.isResponseOutputMessage() ? "message" : i.isFunctionCall() ? "function_call"
                : i.isFunctionCallOutput() ? "function_call_output" : "other").toList();
        assertEquals(List.of("message", "function_call", "function_call_output"), kinds, "the whole context sent to the model");
    }

    @Test
    void aCallNamedByItsIdAloneIsFoundInTheTeamsStoredResponsesAndNoOtherTeams() throws Exception {
        // what the Vercel AI SDK sends between the steps of its tool loop: no previous_response_id, the call as an item_reference
        Response first = client.responses().create(hello("sim-chat").addTool(weather()).toolChoice(ToolChoiceOptions.REQUIRED).build());
        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst().orElseThrow().asFunctionCall();
        String body = """
                {"model":"sim-chat","input":[{"role":"user","content":"What is the weather in Paris?"},
                 {"type":"item_reference","id":"%s"},
                 {"type":"function_call_output","call_id":"%s","output":"18 C, sunny"}]}""".formatted(call.id().orElseThrow(), call.callId());
        io.restassured.response.Response own = io.restassured.RestAssured.given().header("Authorization", "Bearer " + SdkGatewayTest.E2E_KEY)
                .contentType("application/json").body(body).post("/v1/responses");
        assertEquals(200, own.statusCode(), own.asString());
        assertTrue(own.jsonPath().getString("output[0].content[0].text").startsWith("This is a simulated answer"), own.asString());

        io.restassured.response.Response other = io.restassured.RestAssured.given().header("Authorization", "Bearer " + OTHER_TEAM_KEY)
                .contentType("application/json").body(body.replace("sim-chat", "cache-echo")).post("/v1/responses");
        assertEquals(400, other.statusCode(), other.asString());
        assertEquals("input[1].id", other.jsonPath().getString("error.param"), "another team's item is not found: " + other.asString());
    }

    @Test
    void theContextReachesTheUpstreamAsChatMessages() {
        Response first = client.responses().create(hello("msg-chat-tools").addTool(weather()).build());
        ResponseFunctionToolCall call = first.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst().orElseThrow().asFunctionCall();
        client.responses().create(ResponseCreateParams.builder().model("msg-chat-tools").previousResponseId(first.id()).addTool(weather())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(
                        ResponseInputItem.FunctionCallOutput.builder().callId(call.callId()).output("{\"temp\":21}").build())))
                .build());
        JsonArray messages = upstream.last().body().getJsonArray("messages");
        assertEquals("user", messages.getJsonObject(0).getString("role"), messages.encode());
        JsonObject assistant = messages.getJsonObject(1);
        assertEquals("assistant", assistant.getString("role"));
        assertEquals(call.callId(), assistant.getJsonArray("tool_calls").getJsonObject(0).getString("id"));
        JsonObject tool = messages.getJsonObject(messages.size() - 1);
        assertEquals("tool", tool.getString("role"));
        assertEquals("{\"temp\":21}", tool.getString("content"));
        JsonObject fn = upstream.last().body().getJsonArray("tools").getJsonObject(0);
        assertEquals("get_weather", fn.getJsonObject("function").getString("name"), "flat tools are nested for chat");
    }

    @Test
    void storedResponsesAreRetrievedListedAndDeleted() {
        Response r = client.responses().create(hello("msg-chat-basic").build());
        Response again = client.responses().retrieve(r.id());
        assertEquals(r.id(), again.id());
        assertEquals(text(r), text(again));
        var items = client.responses().inputItems().list(r.id());
        assertEquals(1, items.items().size());
        assertTrue(items.items().get(0).asResponseInputMessageItem().id().startsWith("msg_"));
        client.responses().delete(r.id());
        assertThrows(NotFoundException.class, () -> client.responses().retrieve(r.id()));
        assertThrows(NotFoundException.class, () -> client.responses().delete(r.id()));

        Response unstored = client.responses().create(hello("msg-chat-basic").store(false).build());
        assertThrows(NotFoundException.class, () -> client.responses().retrieve(unstored.id()));
    }

    @Test
    void anotherTeamCannotReadOrContinueAResponse() {
        Response r = client.responses().create(hello("msg-chat-basic").build());
        OpenAIClient other = client(OTHER_TEAM_KEY);
        try {
            assertThrows(NotFoundException.class, () -> other.responses().retrieve(r.id()));
            assertThrows(NotFoundException.class, () -> other.responses().inputItems().list(r.id()));
            assertThrows(NotFoundException.class, () -> other.responses().delete(r.id()));
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> other.responses().create(hello("cache-echo").previousResponseId(r.id()).build()));
            assertEquals("previous_response_not_found", e.code().orElseThrow());
        } finally {
            other.close();
        }
        assertEquals(r.id(), client.responses().retrieve(r.id()).id(), "still there for its own team");
    }

    // ---- structured output and errors -------------------------------------------------------------

    @Test
    void structuredOutputIsSentAsAJsonSchemaResponseFormat() {
        ResponseFormatTextJsonSchemaConfig format = ResponseFormatTextJsonSchemaConfig.builder().name("thing").strict(true)
                .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("a", Map.of("type", "integer"))))
                        .build())
                .build();
        Response r = client.responses().create(hello("resp-json").text(ResponseTextConfig.builder().format(format).build()).build());
        assertEquals("{\"a\":1}", text(r));
        JsonObject rf = upstream.last().body().getJsonObject("response_format");
        assertEquals("json_schema", rf.getString("type"));
        assertEquals("thing", rf.getJsonObject("json_schema").getString("name"));
        assertEquals(true, rf.getJsonObject("json_schema").getBoolean("strict"));
        assertEquals("object", rf.getJsonObject("json_schema").getJsonObject("schema").getString("type"));
    }

    @Test
    void errorsAreTheSdksExceptions() {
        assertThrows(NotFoundException.class, () -> client.responses().create(hello("no-such-model").build()));
        BadRequestException builtIn = assertThrows(BadRequestException.class, () -> client.responses().create(hello("msg-chat-basic")
                .addTool(com.openai.models.responses.WebSearchTool.builder().type(com.openai.models.responses.WebSearchTool.Type.WEB_SEARCH).build())
                .build()));
        assertEquals("tools[0].type", builtIn.param().orElseThrow());
        BadRequestException missing = assertThrows(BadRequestException.class,
                () -> client.responses().create(hello("msg-chat-basic").previousResponseId("resp_nope").build()));
        assertEquals("previous_response_not_found", missing.code().orElseThrow());
        assertEquals(429, assertThrows(RateLimitException.class, () -> client.responses().create(hello("resp-error-429").build())).statusCode());
        assertThrows(NotFoundException.class, () -> client.responses().retrieve("resp_unknown"));
    }

    /** The event's {@code sequence_number}, as the SDK read it. */
    private static long sequenceNumber(ResponseStreamEvent e) {
        try {
            return com.openai.core.ObjectMappers.jsonMapper().valueToTree(e).path("sequence_number").asLong(-1);
        } catch (RuntimeException ex) {
            throw new AssertionError(ex);
        }
    }
}
