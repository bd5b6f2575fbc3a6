package dev.frugal.api;

import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two credentials in one request are refused with an OpenAI-shaped 400, whichever comes first:
 * accepting the first (as before) let a proxy's or a client's stray header decide whose key
 * counted. Raw sockets, so the header lines reach the gateway exactly as written.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AmbiguousCredentialsTest {
    static final String VALID = "Bearer frg-test-alpha-key", WRONG = "Bearer frg-wrong-key-1234";
    static final String ADMIN = "Bearer frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String CHAT = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String MESSAGES = "{\"model\":\"sim-chat\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TestHTTPResource("/")
    URI base;

    @Test
    void twoAuthorizationLinesAreRefusedInEitherOrder() throws Exception {
        for (String[] pair : new String[][] {{VALID, WRONG}, {WRONG, VALID}, {VALID, VALID}}) {
            assertAmbiguous(raw("POST", "/v1/chat/completions", CHAT, "Authorization: " + pair[0], "Authorization: " + pair[1]));
        }
        assertAmbiguous(raw("POST", "/v1/chat/completions", CHAT, "Authorization: " + VALID + ", " + WRONG)); // folded into one line
        assertTrue(raw("POST", "/v1/chat/completions", CHAT, "Authorization: " + VALID).startsWith("HTTP/1.1 200"), "one key still works");
    }

    @Test
    void twoAnthropicKeysAreRefused() throws Exception {
        String answer = raw("POST", "/v1/messages", MESSAGES, "x-api-key: frg-test-alpha-key", "x-api-key: frg-wrong-key-1234");
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("invalid_request_error"), answer);
    }

    @Test
    void theAdminApiRefusesTwoAuthorizationLines() throws Exception {
        assertAmbiguous(raw("GET", "/admin/backends", null, "Authorization: " + ADMIN, "Authorization: " + WRONG));
        given().header("Authorization", ADMIN).get("/admin/backends").then().statusCode(200);
    }

    private String raw(String method, String path, String body, String... headers) throws Exception {
        StringBuilder r = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (String h : headers) r.append(h).append("\r\n");
        if (body != null) r.append("Content-Type: application/json\r\nContent-Length: ").append(body.length()).append("\r\n");
        r.append("\r\n");
        if (body != null) r.append(body);
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.getOutputStream().write(r.toString().getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertAmbiguous(String answer) {
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("\"code\":\"ambiguous_credentials\""), answer);
        assertTrue(answer.contains("\"type\":\"invalid_request_error\"") && answer.contains("\"param\":null"), answer);
    }
}
