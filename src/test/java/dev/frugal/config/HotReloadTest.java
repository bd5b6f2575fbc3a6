package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.wire.Json;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edits of the config file take effect while running; invalid edits are rejected; no request is dropped. */
@QuarkusTest
class HotReloadTest {
    @Inject ConfigHolder holder;

    @AfterEach
    void restore() throws Exception {
        write(new String(GatewayTestResource.original(), StandardCharsets.UTF_8));
        holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG);
    }

    /** Replaces the live file atomically, as a deployment tool would. */
    static void write(String text) throws Exception {
        GatewayTestResource.writeLiveConfig(text);
    }

    static String withHotModel() throws Exception {
        return withHotModel("sim");
    }

    /**
     * The shipped test config plus a model {@code hot-added} deployed on {@code provider}, which team
     * alpha may call: edited as a YAML tree, so it holds wherever the sections stand in the file.
     */
    static String withHotModel(String provider) throws Exception {
        ObjectNode root = (ObjectNode) Json.parseYaml(new String(GatewayTestResource.original(), StandardCharsets.UTF_8));
        ((ArrayNode) root.get("models")).addObject().put("name", "hot-added")
                .putArray("deployments").addObject().put("provider", provider);
        for (JsonNode team : root.get("teams")) {
            if (team.get("name").asText().equals("alpha")) ((ArrayNode) team.get("models")).insert(0, "hot-added");
        }
        return new YAMLMapper().writeValueAsString(root);
    }

    static List<String> models() {
        return given().header("Authorization", "Bearer frg-test-alpha-key").get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id");
    }

    @Test
    void anEditIsPickedUpByTheWatcherWithoutARestart() throws Exception {
        write(withHotModel());
        long deadline = System.currentTimeMillis() + 10_000;
        while (!models().contains("hot-added") && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertTrue(models().contains("hot-added"));
    }

    @Test
    void anInvalidEditIsRejectedAndTheLastGoodConfigStays() throws Exception {
        write(withHotModel());
        assertTrue(holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG));
        FrugalConfig good = holder.get();
        write(withHotModel("simm"));
        assertFalse(holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG));
        assertTrue(good == holder.get(), "the snapshot was not replaced");
        write("providers: [ this is not yaml");
        assertFalse(holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG));
        assertTrue(models().contains("hot-added"));
    }

    @Test
    void requestsInFlightDuringReloadsAreAllAnswered() throws Exception {
        String chat = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(pool.submit(() -> given().header("Authorization", "Bearer frg-test-alpha-key")
                        .contentType("application/json").body(chat).post("/v1/chat/completions").statusCode()));
            }
            for (int i = 0; i < 10; i++) {
                write(i % 2 == 0 ? withHotModel()
                        : new String(GatewayTestResource.original(), StandardCharsets.UTF_8));
                holder.reloadIfChanged(GatewayTestResource.LIVE_CONFIG);
            }
            for (Future<Integer> f : results) assertEquals(200, f.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
