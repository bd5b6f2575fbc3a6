package dev.frugal.api;

import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.MetricsPage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests the HTTP codec rejects before any route are answered OpenAI-shaped, with the codec's
 * status (issue 10: a bare CR, LF or NUL in a header gave 400 and 64 KB of headers 431, each with an
 * empty body). Raw sockets, so the bytes reach the gateway exactly as written.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class MalformedRequestsTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void aBareCrLfOrNulInAHeaderIs400Json() throws Exception {
        double before = malformed(400);
        for (String header : new String[] {"X-Bad: a\rb", "X-Bad: a\u0000b", "X-Bad\n: b", "X-Bad: a\r\n\u0000: b"}) {
            String answer = raw("GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + header + "\r\nAuthorization: Bearer frg-test-alpha-key\r\n\r\n");
            SlowClientsTest.assertOpenAiError(answer, 400, "invalid_http_request");
            assertTrue(answer.toLowerCase().contains("x-request-id: req_"), answer);
        }
        assertEquals(before + 4, malformed(400));
    }

    @Test
    void headersOf64KbAre431Json() throws Exception {
        double before = malformed(431);
        String answer = raw("GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + "X-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n");
        SlowClientsTest.assertOpenAiError(answer, 431, "request_header_fields_too_large");
        assertEquals(before + 1, malformed(431));
    }

    @Test
    void aRequestLineTooLongIs414Json() throws Exception {
        String answer = raw("GET /v1/models?" + "q".repeat(16 * 1024) + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        SlowClientsTest.assertOpenAiError(answer, 414, "uri_too_long");
    }

    @Test
    void aMalformedRequestLineIs400Json() throws Exception {
        SlowClientsTest.assertOpenAiError(raw("GET /v1/models HTTP/9Z\r\nHost: gw\r\n\r\n"), 400, "invalid_http_request");
    }

    @Test
    void aGoodRequestAfterwardsIsServedAsEver() throws Exception {
        String answer = raw("GET /v1/models HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer frg-test-alpha-key\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }

    private static double malformed(int status) {
        return MetricsPage.scrape().value("frugal_http_malformed_requests_total", "status=\"" + status + "\"");
    }

    private String raw(String request) throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(SlowClientsTest.PATIENCE_MS);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = s.getInputStream().read(buf)) >= 0; ) out.write(buf, 0, n);
            } catch (SocketException reset) {
                // closed with part of the request unread: what was answered counts
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
