package dev.frugal.admin;

import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** With FRUGAL_METRICS_KEY set, /q/metrics answers only to that key: not to nobody, a team key, or the admin key. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@TestProfile(MetricsKeyTest.WithMetricsKey.class)
class MetricsKeyTest {
    static final String METRICS_KEY = "frg-metrics-scraper-key-0123456789abcdef";

    public static class WithMetricsKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("frugal.metrics.key", METRICS_KEY);
        }
    }

    @Test
    void metricsNeedTheMetricsKey() {
        given().header("Authorization", "Bearer frg-test-alpha-key").contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        for (String auth : new String[] {null, "Bearer ", "Bearer frg-test-alpha-key", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306", "Bearer " + METRICS_KEY + "x"}) {
            var req = given();
            if (auth != null) req.header("Authorization", auth);
            req.get("/q/metrics").then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("error.code", equalTo("invalid_api_key"))
                    .body("error.type", equalTo("invalid_request_error"))
                    .body(not(containsString("team=")));
        }
        given().header("Authorization", "Bearer " + METRICS_KEY).get("/q/metrics").then().statusCode(200)
                .body(containsString("frugal_requests_total{endpoint=\"chat\",model=\"sim-chat\""));
        // the rest of /q stays as it was: probes must not need a key
        given().get("/q/health/ready").then().statusCode(200);
    }
}
