package dev.frugal.admin;

import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.TestTime;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wrong admin keys are throttled per client address, logged without the key and counted. Clients
 * come from distinct loopback addresses (127.0.0.x) over raw sockets; time moves with {@link TestTime}.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AdminAuthThrottleTest {
    static final String ADMIN_KEY = TeamsAdminTest.ADMIN.substring("Bearer ".length());
    static final String ATTACKER = "127.0.0.3";
    static final String GUESS = "wrong-admin-guess-";

    @Inject MeterRegistry registry;

    record Answer(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) return line.substring(colon + 1).strip();
            }
            return null;
        }
    }

    /** {@code GET path} with {@code key}, from the local address {@code from}. */
    static Answer get(String from, String path, String key) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            return new Answer(Integer.parseInt(all.substring(9, 12)), all.substring(0, end), all.substring(end + 4));
        }
    }

    double failures(String outcome) {
        return registry.find(AdminRoutes.AUTH_FAILURES).tag("outcome", outcome).counter().count();
    }

    @Test
    void twoHundredWrongAdminKeysAreThrottledLoggedAndCountedWhileOtherAddressesKeepWorking() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) {
                logged.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()));
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger root = Logger.getLogger("");
        double rejected0 = failures("rejected");
        double throttled0 = failures("throttled");
        List<Answer> answers = new ArrayList<>();
        root.addHandler(capture);
        try {
            for (int i = 0; i < 200; i++) answers.add(get(ATTACKER, "/admin/teams", GUESS + i));
        } finally {
            root.removeHandler(capture);
        }

        for (int i = 0; i < 10; i++) assertEquals(401, answers.get(i).status(), "attempt " + i);
        for (int i = 10; i < 200; i++) {
            Answer a = answers.get(i);
            assertEquals(429, a.status(), "attempt " + i);
            long retryAfter = Long.parseLong(a.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            JsonPath err = JsonPath.from(a.body());
            assertEquals("too_many_failed_authentications", err.getString("error.code"));
            assertEquals("rate_limit_error", err.getString("error.type"));
            assertTrue(err.getString("error.message").contains("try again in"), a.body());
            assertTrue(a.header("Content-Type").startsWith("application/json"));
        }
        assertEquals(10.0, failures("rejected") - rejected0);
        assertEquals(190.0, failures("throttled") - throttled0);

        List<String> failures = logged.stream().filter(l -> l.contains("Admin authentication failed")).toList();
        assertEquals(10, failures.size(), logged.toString());
        assertTrue(failures.get(9).contains(ATTACKER) && failures.get(9).contains("/admin/teams") && failures.get(9).contains("10"),
                failures.get(9));
        assertEquals(1, logged.stream().filter(l -> l.contains("locked out") && l.contains(ATTACKER)).count(), logged.toString());
        for (String line : logged) assertFalse(line.toLowerCase(Locale.ROOT).contains(GUESS), "a presented key in the log: " + line);

        assertEquals(200, get("127.0.0.2", "/admin/teams", ADMIN_KEY).status(), "the right key from another address works");
        given().header("Authorization", TeamsAdminTest.ADMIN).get("/admin/teams").then().statusCode(200);
        assertEquals(429, get(ATTACKER, "/admin/teams", ADMIN_KEY).status(), "a locked-out address is refused even with the right key");

        TestTime.advance(Duration.ofSeconds(61));
        assertEquals(401, get(ATTACKER, "/admin/teams", GUESS + "after").status(), "after the lockout the address may try again");
        for (int i = 0; i < 9; i++) get(ATTACKER, "/admin/teams", GUESS + "again-" + i);
        Answer second = get(ATTACKER, "/admin/teams", ADMIN_KEY);
        assertEquals(429, second.status());
        long retryAfter = Long.parseLong(second.header("Retry-After"));
        assertTrue(retryAfter > 60 && retryAfter <= 120, "the second lockout is longer: " + retryAfter);

        TestTime.advance(Duration.ofSeconds(121));
        assertEquals(200, get(ATTACKER, "/admin/teams", ADMIN_KEY).status());
        assertEquals(401, get(ATTACKER, "/admin/teams", GUESS + "fresh").status(), "the success forgot the address's failures");
    }

    @Test
    void aRequestWithoutAKeyIsRefusedButNotCountedAsAGuess() throws Exception {
        double rejected0 = failures("rejected");
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress("127.0.0.4", 0));
                s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5000);
                s.getOutputStream().write("GET /admin/teams HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            }
        }
        assertEquals(rejected0, failures("rejected"));
    }
}
