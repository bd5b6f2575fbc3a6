package dev.frugal.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** Health and Prometheus metrics: present, tagged by team and model, and free of secrets. */
@QuarkusTest
class ObservabilityTest {
    @Test
    void healthIsUpOnceTheConfigIsLoaded() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'config' }.status", equalTo("UP"));
    }

    @Test
    void requestsAndTokensAreCountedPerTeamAndModelWithoutSecrets() {
        given().header("Authorization", "Bearer frg-test-alpha-key").contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        given().header("Authorization", "Bearer frg-wrong-key-1234").get("/v1/models").then().statusCode(401);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("frugal_requests_total{endpoint=\"chat\",model=\"sim-chat\",provider=\"sim\",status=\"200\",team=\"alpha\"}"))
                .body(containsString("frugal_tokens_total{model=\"sim-chat\",provider=\"sim\",team=\"alpha\",type=\"completion\"}"))
                .body(containsString("gen_ai_server_request_duration_seconds_count{"))
                .body(containsString("team=\"unauthenticated\""))
                .body(not(containsString("frg-test-alpha-key")))
                .body(not(containsString("frg-wrong-key")))
                .body(not(containsString("test-provider-secret")));
    }
}
