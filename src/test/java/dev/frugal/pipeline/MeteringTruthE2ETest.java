package dev.frugal.pipeline;

import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metering tells the truth (issue 10): an answer a {@code Connection: close} or HTTP/1.0 client got
 * is counted 200, not 499; every authenticated model request refused before dispatch has its row;
 * a client that leaves before the first token is billed the prompt the upstream read.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class MeteringTruthE2ETest {
    static final String KEY = "frg-test-metered-key";
    static final String CHAT = "{\"model\":\"gpt-4o-mini-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final String STREAM = "{\"model\":\"gpt-4o-mini-test\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final String MESSAGE = "{\"model\":\"gpt-4o-mini-test\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final String MESSAGE_STREAM = "{\"model\":\"gpt-4o-mini-test\",\"max_tokens\":16,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final String EMBED = "{\"model\":\"fixture\",\"input\":[\"one\",\"two\"]}";

    @Inject LedgerRows ledgerRows;

    // ---- 1. a served answer is 200, however the client's connection ends ----------------------

    @Test
    void aConnectionCloseClientsAnswersAreCountedServed() throws Exception {
        servedOverRawSocket("HTTP/1.1", true);
    }

    @Test
    void anHttp10ClientsAnswersAreCountedServed() throws Exception {
        servedOverRawSocket("HTTP/1.0", false);
    }

    private void servedOverRawSocket(String version, boolean close) throws Exception {
        for (String[] c : new String[][]{{"/v1/chat/completions", CHAT, "chat", "false"},
                {"/v1/chat/completions", STREAM, "chat", "true"}, {"/v1/embeddings", EMBED, "embeddings", "false"},
                {"/v1/messages", MESSAGE, "messages", "false"}, {"/v1/messages", MESSAGE_STREAM, "messages", "true"}}) {
            double before200 = requests(c[2], "200"), before499 = requests(c[2], "499");
            String id = "req-truth-" + UUID.randomUUID();
            String answer = raw(c[0], c[1], version, close, id, -1);
            assertTrue(answer.startsWith(version.equals("HTTP/1.0") ? "HTTP/1." : "HTTP/1.1") && answer.contains(" 200 "), answer);
            String last = c[0].equals("/v1/messages") ? "message_stop" : "[DONE]";
            assertTrue(c[3].equals("true") ? answer.contains(last) : answer.contains("\"usage\""), "the whole answer arrived: " + answer);
            Map<String, Object> row = ledgerRows.row(id);
            assertEquals(200, ((Number) row.get("status")).intValue(), c[0] + " " + c[1] + " over " + version + ": " + row);
            assertNull(row.get("error_code"));
            assertEquals(false, row.get("client_disconnected"));
            assertEquals(Boolean.valueOf(c[3]), row.get("streamed"));
            assertEquals(before200 + 1, requests(c[2], "200"), "frugal_requests_total counts it served");
            assertEquals(before499, requests(c[2], "499"), "and not as a disconnect");
        }
    }

    // ---- 2. refused before dispatch: a row each ----------------------------------------------

    @Test
    void everyAuthenticatedModelRequestRefusedBeforeDispatchHasItsRow() throws Exception {
        String longName = "x".repeat(5000);
        refused("{\"model\":\"" + longName + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "application/json",
                404, "model_not_found", "x".repeat(127) + "…"); // cut to 128 characters
        refused("{\"model\":\"other-team-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "application/json",
                404, "model_not_found", "other-team-model");
        refused("{\"model\":\"gpt-test\"}", "application/json", 400, null, "gpt-test"); // validation: no messages
        refused("{\"model\":\"gpt-test\",", "application/json", 400, null, ""); // not JSON: no model could be read
        refused("model=gpt-test", "text/plain", 415, null, "");
        refused("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(100 * 1024) + "\"}]}",
                "application/json", 413, null, "");
    }

    @Test
    void rateLimitedRequestsHaveTheirRow() throws Exception {
        String key = given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306").contentType("application/json")
                .body("{\"name\":\"truth-rpm\",\"limits\":{\"rpm\":1}}")
                .post("/admin/teams/metered/keys").then().statusCode(201).extract().jsonPath().getString("key");
        String body = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        given().header("Authorization", "Bearer " + key).contentType("application/json").body(body).post("/v1/chat/completions")
                .then().statusCode(200);
        var r = given().header("Authorization", "Bearer " + key).contentType("application/json").body(body).post("/v1/chat/completions");
        assertEquals(429, r.statusCode(), r.asString());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(429, ((Number) row.get("status")).intValue());
        assertEquals("rate_limit_exceeded", row.get("error_code"));
        assertEquals("sim-chat", row.get("requested_model"));
        assertEquals(0L, ((Number) row.get("cost_micros")).longValue());
    }

    @Test
    void unauthenticatedRequestsAndListingsHaveNoRow() throws Exception {
        String bad = "req-truth-" + UUID.randomUUID();
        given().header("Authorization", "Bearer frg-wrong").header("x-request-id", bad).contentType("application/json").body(CHAT)
                .post("/v1/chat/completions").then().statusCode(401);
        String listing = "req-truth-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + KEY).header("x-request-id", listing).get("/v1/models").then().statusCode(200);
        String served = given().header("Authorization", "Bearer " + KEY).contentType("application/json").body(CHAT)
                .post("/v1/chat/completions").then().statusCode(200).extract().header("x-request-id");
        ledgerRows.row(served); // written after the two above: they would be there by now
        assertEquals(0, ledgerRows.count(bad) + ledgerRows.count(listing));
    }

    private void refused(String body, String type, int status, String code, String model) throws Exception {
        var r = given().header("Authorization", "Bearer " + KEY).contentType(type).body(body).post("/v1/chat/completions");
        assertEquals(status, r.statusCode(), r.asString());
        Map<String, Object> row = ledgerRows.row(r.header("x-request-id"));
        assertEquals(status, ((Number) row.get("status")).intValue());
        assertEquals(code != null ? code : r.jsonPath().getString("error.code"), row.get("error_code"));
        assertEquals(model, row.get("requested_model"));
        assertEquals("metered", row.get("team"));
        assertEquals(0L, ((Number) row.get("cost_micros")).longValue());
        assertEquals(0L, ((Number) row.get("prompt_tokens")).longValue());
        assertEquals(0, ((Number) row.get("attempts")).intValue());
    }

    // ---- 3. a client that leaves before the first token --------------------------------------

    @Test
    void aStreamWhoseClientLeavesBeforeTheFirstChunkIsBilledItsPrompt() throws Exception {
        leavesBeforeTheFirstToken(true);
    }

    @Test
    void aWholeAnswerWhoseClientLeavesFirstIsBilledWhatTheUpstreamReported() throws Exception {
        leavesBeforeTheFirstToken(false);
    }

    private void leavesBeforeTheFirstToken(boolean stream) throws Exception {
        String id = "req-truth-" + UUID.randomUUID();
        String body = "{\"model\":\"fixture\",\"fixture\":\"slow-ok-700\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"a prompt the upstream reads before it answers\"}]}";
        raw("/v1/chat/completions", body, "HTTP/1.1", false, id, 150); // the upstream answers after 700 ms; the client leaves at 150
        Map<String, Object> row = ledgerRows.row(id);
        assertEquals(499, ((Number) row.get("status")).intValue(), row.toString());
        assertEquals("client_closed_request", row.get("error_code"));
        assertEquals(true, row.get("client_disconnected"));
        assertEquals(1, ((Number) row.get("attempts")).intValue(), "the request was sent upstream");
        assertTrue(((Number) row.get("prompt_tokens")).longValue() > 0, "the prompt the upstream read is billed: " + row);
        if (stream) {
            assertEquals(true, row.get("estimated"), "estimated by the gateway: the upstream reported nothing");
            assertEquals(0L, ((Number) row.get("completion_tokens")).longValue());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * One request over a raw socket; returns what the server sent until it closed (or, with
     * {@code leaveAfterMs} ≥ 0, closes the socket after that long without reading and returns "").
     */
    private static String raw(String path, String body, String version, boolean close, String requestId, long leaveAfterMs)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " " + version + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nx-request-id: " + requestId + "\r\nContent-Length: " + bytes.length
                    + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            if (leaveAfterMs >= 0) {
                Thread.sleep(leaveAfterMs);
                return "";
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got); // until the server closes: it must, for Connection: close and HTTP/1.0
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    /** {@code frugal_requests_total} of team {@code metered} for an endpoint and status, summed over models and providers. */
    private static double requests(String endpoint, String status) {
        String metrics = given().get("/q/metrics").asString();
        return metrics.lines().filter(l -> l.startsWith("frugal_requests_total{") && l.contains("endpoint=\"" + endpoint + "\"")
                        && l.contains("team=\"metered\"") && l.contains("status=\"" + status + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
