package dev.frugal.admin;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

/** GET /admin/backends: the admin key only; every called deployment with its state. */
@QuarkusTest
class AdminBackendsTest {
    @Test
    void backendsAreListedForTheAdminKeyOnly() {
        given().header("Authorization", "Bearer frg-test-e2e-key").contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        given().get("/admin/backends").then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        given().header("Authorization", "Bearer frg-test-e2e-key").get("/admin/backends").then().statusCode(401);
        given().header("Authorization", "Bearer frg-test-admin-key-2c5e8a1f9b7d4306").get("/admin/backends").then().statusCode(200)
                .body("data.deployment", hasItem("sim/sim-chat"))
                .body("data.find { it.deployment == 'sim/sim-chat' }.state", equalTo("healthy"))
                .body("data.find { it.deployment == 'sim/sim-chat' }.circuit", equalTo("closed"))
                .body("data.find { it.deployment == 'sim/sim-chat' }.latency_ms", notNullValue())
                .body("data.find { it.deployment == 'sim/sim-chat' }.queued", equalTo(0));
    }
}
