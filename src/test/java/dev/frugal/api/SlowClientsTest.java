package dev.frugal.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.frugal.config.ConfigHolder;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.LedgerRows;
import dev.frugal.testsupport.MetricsPage;
import dev.frugal.wire.Json;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Slow and idle clients, with real sockets against the gateway's port and deadlines of a second set
 * in the test's config (issue 10: a body sent a byte at a time, slow headers and idle connections
 * were held for 95 s and more, with no 408). Each waits for the gateway's deadline; a read timeout of
 * {@value #PATIENCE_MS} ms is how a test fails when the gateway holds the connection instead.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class SlowClientsTest {
    static final int PATIENCE_MS = 8_000;
    static final String KEY = "Authorization: Bearer frg-test-alpha-key";
    static final String CAPPED = "127.0.0.2";

    @TestHTTPResource("/")
    URI base;
    @Inject ConfigHolder holder;
    @Inject SlowClients slowClients;
    @Inject LedgerRows ledger;

    @BeforeEach
    void shortDeadlines() throws Exception {
        configure(Map.of("head-timeout", "1s", "body-timeout", "1s", "idle-timeout", "1s"));
        long until = System.nanoTime() + 5_000_000_000L;
        while (!slowClients.installed() && System.nanoTime() < until) Thread.sleep(20); // the guard goes in once the server listens
        assertTrue(slowClients.installed(), "the connection guard is in place");
    }

    @AfterEach
    void restore() throws Exception {
        GatewayTestResource.writeLiveConfig(new String(GatewayTestResource.original(), StandardCharsets.UTF_8));
        holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG);
    }

    @Test
    void aHeadSentAByteAtATimeIsAnswered408WithinTheHeadTimeout() throws Exception {
        double before = timeouts("head");
        try (Socket s = socket()) {
            s.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread trickle = trickle(s.getOutputStream(), "X-Slow: 1\r\n".repeat(100));
            String answer = readAll(s);
            trickle.interrupt();
            assertOpenAiError(answer, 408, "request_timeout");
        }
        assertEquals(before + 1, timeouts("head"));
    }

    @Test
    void aBodySentAByteAtATimeIsAnswered408InItsSurfacesShape() throws Exception {
        double before = timeouts("body");
        String chat = "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n";
        try (Socket s = socket()) {
            s.getOutputStream().write(chat.getBytes(StandardCharsets.US_ASCII));
            Thread trickle = trickle(s.getOutputStream(), "{\"model\":\"sim-chat\"," + " ".repeat(180));
            String answer = readAll(s);
            trickle.interrupt();
            assertOpenAiError(answer, 408, "request_timeout");
            Map<String, Object> row = ledger.row(header(answer, "x-request-id"));
            assertEquals(408, LedgerRows.number(row, "status"), "the request is settled with its 408: " + row);
            assertEquals("request_timeout", row.get("error_code"));
        }
        String messages = "POST /v1/messages HTTP/1.1\r\nHost: gw\r\nx-api-key: frg-test-alpha-key\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n";
        try (Socket s = socket()) {
            s.getOutputStream().write(messages.getBytes(StandardCharsets.US_ASCII));
            Thread trickle = trickle(s.getOutputStream(), "{" + " ".repeat(199));
            String answer = readAll(s);
            trickle.interrupt();
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\""), "Anthropic's shape: " + answer);
        }
        assertEquals(before + 2, timeouts("body"));
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAndSoIsOneThatNeverSpeaks() throws Exception {
        try (Socket s = socket()) {
            send(s, "GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\n\r\n");
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200"));
            send(s, "GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\n\r\n");
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200"), "a kept-alive connection serves its next request");
            assertClosed(s, "an idle kept-alive connection");
        }
        try (Socket s = socket()) {
            assertClosed(s, "a connection that never sent a byte");
        }
    }

    /**
     * The guard checks its deadline lazily (a pending check looks again when a request moved it): requests every
     * 300 ms keep a connection open well past its 1 s idle timeout, and it closes about 1 s after the last answer.
     */
    @Test
    void aConnectionBusyPastItsIdleTimeoutStaysOpenThenClosesAfterItsLastAnswer() throws Exception {
        try (Socket s = socket()) {
            long start = System.nanoTime();
            int served = 0;
            while (System.nanoTime() - start < 2_600_000_000L) {
                send(s, "GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\n\r\n");
                assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200"), "request " + served + " served");
                served++;
                Thread.sleep(300);
            }
            long idleFrom = System.nanoTime() - 300_000_000L; // the last answer, before the last pause
            assertClosed(s, "the connection idle after its last request");
            long idleMs = (System.nanoTime() - idleFrom) / 1_000_000;
            assertTrue(served >= 7, "served " + served);
            assertTrue(idleMs >= 900 && idleMs < 2_500, "closed " + idleMs + " ms after the last answer (idle timeout 1 s)");
        }
    }

    /**
     * A head started after an idle wait is due within the head timeout from its first byte, though the check
     * pending then was set for the longer idle deadline.
     */
    @Test
    void aHeadStartedAfterAnIdleWaitIsDueWithinTheHeadTimeoutFromItsFirstByte() throws Exception {
        configure(Map.of("head-timeout", "1s", "body-timeout", "1s", "idle-timeout", "4s"));
        try (Socket s = socket()) {
            send(s, "GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\n\r\n");
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200"));
            Thread.sleep(600);
            long firstByte = System.nanoTime();
            s.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread trickle = trickle(s.getOutputStream(), "X-Slow: 1\r\n".repeat(100));
            String answer = readAll(s);
            trickle.interrupt();
            long ms = (System.nanoTime() - firstByte) / 1_000_000;
            assertOpenAiError(answer, 408, "request_timeout");
            assertTrue(ms >= 900 && ms < 2_500, "answered 408 " + ms + " ms after the head's first byte (head timeout 1 s, idle 4 s)");
        }
    }

    @Test
    void aStreamThatOutlastsEveryDeadlineIsNotCut() throws Exception {
        ObjectNode root = config(Map.of("head-timeout", "1s", "body-timeout", "1s", "idle-timeout", "1s"));
        ((ArrayNode) root.get("providers")).addObject().put("name", "sim-patient").put("kind", "simulator").putObject("simulator")
                .put("time-to-first-token", "1500ms").put("tokens-per-second", 5).put("output-tokens", 12);
        ((ArrayNode) root.get("models")).addObject().put("name", "patient").putArray("deployments").addObject().put("provider", "sim-patient");
        apply(root);
        String body = "{\"model\":\"patient\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        long start = System.nanoTime();
        try (Socket s = socket()) {
            send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer frg-test-e2e-key\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            String answer = readUntil(s, "data: [DONE]");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("data: [DONE]"), "the whole stream arrived: " + answer);
        }
        assertTrue((System.nanoTime() - start) / 1_000_000 > 3_000, "the stream outlasted the 1 s deadlines (1.5 s of silence first)");
    }

    @Test
    void aLargeBodyAtNormalSpeedPasses() throws Exception {
        apply(config(Map.of("body-timeout", "2s", "max-body-size", "8MiB")));
        String body = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a ".repeat(2 * 1024 * 1024) + "\"}]}";
        try (Socket s = socket()) {
            send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            String answer = readAll(s);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer.substring(0, Math.min(600, answer.length())));
        }
    }

    /** From 127.0.0.2, an address no other test uses, so its count starts at zero whatever else is open. */
    @Test
    void connectionsOverTheCapPerAddressAreClosedAtOnce() throws Exception {
        double before = MetricsPage.scrape().value("frugal_http_connections_refused_total");
        apply(config(Map.of("head-timeout", "30s", "idle-timeout", "30s", "max-connections-per-address", "3")));
        awaitOpen(CAPPED, 0);
        List<Socket> kept = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = socketFrom(CAPPED);
                kept.add(s);
                send(s, "GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\n\r\n");
                assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200"), "connection " + (i + 1) + " is served");
            }
            try (Socket over = socketFrom(CAPPED)) {
                assertClosed(over, "a fourth connection from the same address");
            }
            kept.remove(0).close();
            awaitOpen(CAPPED, 2);
            try (Socket again = socketFrom(CAPPED)) {
                send(again, "GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + KEY + "\r\nConnection: close\r\n\r\n");
                assertTrue(readAll(again).startsWith("HTTP/1.1 200"), "a freed place is taken again");
            }
        } finally {
            for (Socket s : kept) s.close();
            apply(config(Map.of())); // the test's own connections from 127.0.0.1 count against a cap of 3 too
        }
        assertEquals(before + 1, MetricsPage.scrape().value("frugal_http_connections_refused_total"));
    }

    // ---- helpers ---------------------------------------------------------------------------

    static void assertOpenAiError(String answer, int status, String code) {
        assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
        String lower = answer.toLowerCase();
        assertTrue(lower.contains("content-type: application/json"), answer);
        assertTrue(lower.contains("connection: close"), answer);
        assertTrue(answer.contains("\"code\":\"" + code + "\"") && answer.contains("\"type\":\"invalid_request_error\"")
                && answer.contains("\"param\":null") && answer.contains("\"message\":"), answer);
    }

    /** A header's value in a raw answer. */
    static String header(String answer, String name) {
        for (String line : answer.split("\r\n")) {
            if (line.isEmpty()) break;
            if (line.toLowerCase().startsWith(name + ":")) return line.substring(name.length() + 1).trim();
        }
        return null;
    }

    private double timeouts(String phase) {
        return MetricsPage.scrape().value("frugal_http_client_timeouts_total", "phase=\"" + phase + "\"");
    }

    private Socket socket() throws IOException {
        Socket s = new Socket(base.getHost(), base.getPort());
        s.setSoTimeout(PATIENCE_MS);
        return s;
    }

    private Socket socketFrom(String address) throws IOException {
        Socket s = new Socket(base.getHost(), base.getPort(), java.net.InetAddress.getByName(address), 0);
        s.setSoTimeout(PATIENCE_MS);
        return s;
    }

    private void awaitOpen(String address, int n) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (slowClients.openConnections(address) != n && System.nanoTime() < until) Thread.sleep(20);
        assertEquals(n, slowClients.openConnections(address), "open connections from " + address);
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    /** Writes {@code text} a byte every 100 ms from a thread of its own, until interrupted or the connection fails. */
    private static Thread trickle(OutputStream out, String text) {
        Thread t = new Thread(() -> {
            try {
                for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException stopped) {
                // the gateway closed the connection, or the test is over
            }
        }, "trickle");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Everything until the gateway closes the connection (a read timeout fails the test: it held the connection). */
    private static String readAll(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = s.getInputStream().read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            fail("the gateway held the connection for " + PATIENCE_MS + " ms; got so far: " + out.toString(StandardCharsets.UTF_8));
        } catch (SocketException reset) {
            // closed with unread input on its side: what was read counts
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String readUntil(Socket s, String end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; !out.toString(StandardCharsets.UTF_8).contains(end) && (n = s.getInputStream().read(buf)) >= 0; ) out.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            fail("no '" + end + "' within " + PATIENCE_MS + " ms; got: " + out.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One response with a Content-Length body, read off a kept-alive connection. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed inside a response head: " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** The gateway closes the connection: end of stream or a reset before the read times out. */
    private static void assertClosed(Socket s, String what) throws IOException {
        try {
            int b = s.getInputStream().read();
            assertEquals(-1, b, what + " is closed, not answered");
        } catch (SocketTimeoutException e) {
            fail(what + " was held open for " + PATIENCE_MS + " ms");
        } catch (SocketException reset) {
            // closed as it was accepted
        }
    }

    // ---- the config ------------------------------------------------------------------------

    /** The shipped test config with these {@code server} settings. */
    private static ObjectNode config(Map<String, String> server) throws Exception {
        ObjectNode root = (ObjectNode) Json.parseYaml(new String(GatewayTestResource.original(), StandardCharsets.UTF_8));
        ObjectNode s = (ObjectNode) root.get("server");
        server.forEach(s::put);
        return root;
    }

    private void configure(Map<String, String> server) throws Exception {
        apply(config(server));
    }

    /** Installs {@code root} as the gateway's config now (a new modification time each time, so it is never missed). */
    private void apply(ObjectNode root) throws Exception {
        GatewayTestResource.writeLiveConfig(new YAMLMapper().writeValueAsString(root));
        java.nio.file.Path live = GatewayTestResource.LIVE_CONFIG;
        java.nio.file.Files.setLastModifiedTime(live, java.nio.file.attribute.FileTime.from(
                java.nio.file.Files.getLastModifiedTime(live).toInstant().plusSeconds(++edits)));
        assertTrue(holder.reloadIfChanged(live), "the test's config is in force");
    }

    private static int edits;
}
