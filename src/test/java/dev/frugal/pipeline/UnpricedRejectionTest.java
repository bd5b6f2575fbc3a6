package dev.frugal.pipeline;

import dev.frugal.config.ConfigHolder;
import dev.frugal.testsupport.FakeUpstream;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.InjectFakeUpstream;
import dev.frugal.testsupport.LedgerRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With {@code pricing.reject-unpriced}, a model without a price is refused before any upstream call; priced ones still serve. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class UnpricedRejectionTest {
    @Inject ConfigHolder holder;
    @InjectFakeUpstream FakeUpstream upstream;
    @Inject LedgerRows ledgerRows;

    @AfterEach
    void restore() throws Exception {
        write(new String(GatewayTestResource.original(), StandardCharsets.UTF_8));
        holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG);
    }

    @Test
    void unpricedModelsAreRefusedWhenTheConfigSaysSo() throws Exception {
        write("pricing: { reject-unpriced: true }\n" + new String(GatewayTestResource.original(), StandardCharsets.UTF_8));
        assertTrue(holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG));
        int before = upstream.all().size();
        String id = given().header("Authorization", "Bearer frg-test-metered-key").contentType("application/json")
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(403)
                .body("error.code", equalTo("model_unpriced")).body("error.param", equalTo("model"))
                .extract().header("x-request-id");
        assertTrue(upstream.all().size() == before, "nothing was sent upstream");
        assertEquals("ordered: none; dropped: gpt-test [fake/echo-upstream unpriced]", ledgerRows.row(id).get("route_decision"),
                "the refusal has its ledger row, and the row says why");
        given().header("Authorization", "Bearer frg-test-metered-key").contentType("application/json")
                .body("{\"model\":\"gpt-4o-mini-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
    }

    private static void write(String text) throws Exception {
        java.nio.file.Path tmp = GatewayTestResource.LIVE_CONFIG.resolveSibling("frugal.yaml.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, GatewayTestResource.LIVE_CONFIG, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
