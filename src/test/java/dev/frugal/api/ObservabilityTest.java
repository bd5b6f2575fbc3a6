package dev.frugal.api;

import dev.frugal.testsupport.MetricsPage;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        String[] chat = {"endpoint=\"chat\"", "model=\"sim-chat\"", "provider=\"sim\"", "status=\"200\"", "team=\"alpha\""};
        String[] completion = {"model=\"sim-chat\"", "provider=\"sim\"", "team=\"alpha\"", "type=\"completion\""};
        String[] duration = {"gen_ai_request_model=\"sim-chat\"", "team=\"alpha\""};
        String[] refused = {"status=\"401\"", "team=\"unauthenticated\""};
        MetricsPage before = MetricsPage.scrape();
        given().header("Authorization", "Bearer frg-test-alpha-key").contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        given().header("Authorization", "Bearer frg-wrong-key-1234").get("/v1/models").then().statusCode(401);
        MetricsPage after = new MetricsPage(given().get("/q/metrics").then().statusCode(200)
                .body(containsString("frugal_requests_total{endpoint=\"chat\",model=\"sim-chat\",provider=\"sim\",status=\"200\",team=\"alpha\""))
                .body(containsString("frugal_tokens_total{model=\"sim-chat\",provider=\"sim\",team=\"alpha\",type=\"completion\""))
                .body(containsString("gen_ai_server_request_duration_seconds_count{"))
                .body(containsString("team=\"unauthenticated\""))
                .body(not(containsString("frg-test-alpha-key")))
                .body(not(containsString("frg-wrong-key")))
                .body(not(containsString("test-provider-secret")))
                .extract().asString());
        // the series above may come from earlier tests: these requests must have moved them
        assertEquals(1, after.value("frugal_requests_total", chat) - before.value("frugal_requests_total", chat));
        assertTrue(after.value("frugal_tokens_total", completion) > before.value("frugal_tokens_total", completion), "completion tokens");
        assertEquals(1, after.value("gen_ai_server_request_duration_seconds_count", duration)
                - before.value("gen_ai_server_request_duration_seconds_count", duration));
        assertEquals(1, after.value("frugal_requests_total", refused) - before.value("frugal_requests_total", refused), "the refused key");
    }
}
