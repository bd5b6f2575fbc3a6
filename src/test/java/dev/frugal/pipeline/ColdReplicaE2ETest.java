package dev.frugal.pipeline;

import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.RequiresRedis;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A freshly started gateway on Redis takes its first burst: once readiness says UP (as a load
 * balancer waits for), 200 requests at once from a team whose limits and budget all live in Redis
 * are served, none refused with 503 {@code quota_store_unavailable} while connections open. This
 * class has a profile of its own, so its gateway is started for it and nothing used Redis before.
 */
@QuarkusTest
@TestProfile(ColdReplicaE2ETest.OnRedis.class)
@QuarkusTestResource(GatewayTestResource.class)
@RequiresRedis
class ColdReplicaE2ETest {
    static final String PREFIX = "frugal-test-cold-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ":";
    static final String ADMIN = "Bearer frg-test-admin-key-2c5e8a1f9b7d4306";
    static final int BURST = 200;

    public static class OnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("frugal.redis.url", RequiresRedis.URL, "frugal.redis.prefix", PREFIX);
        }
    }

    @Test
    void theFirstBurstOf200AgainstAReadyColdReplicaIsServedWithoutA503() throws Exception {
        JsonPath ready = awaitReady();
        assertEquals("UP", ready.getString("checks.find { it.name == 'quota-store' }.status"), ready.prettify());

        String team = "cold-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"" + team + "\",\"models\":[\"sim-chat\"],"
                        + "\"limits\":{\"rpm\":100000,\"tpm\":100000000,\"concurrent\":1000},\"budget\":{\"usd\":1000,\"period\":\"day\"}}")
                .post("/admin/teams").then().statusCode(201);
        String key = given().header("Authorization", ADMIN).contentType("application/json").body("{\"name\":\"burst\"}")
                .post("/admin/teams/" + team + "/keys").then().statusCode(201).extract().jsonPath().getString("key");

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest chat = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>(BURST);
        for (int i = 0; i < BURST; i++) burst.add(http.sendAsync(chat, HttpResponse.BodyHandlers.ofString()));
        Map<Integer, Integer> statuses = new TreeMap<>();
        String a503 = null;
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            HttpResponse<String> r = f.get(90, TimeUnit.SECONDS);
            statuses.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 503 && a503 == null) a503 = r.body();
        }
        assertEquals(Map.of(200, BURST), statuses, "statuses of the first burst; a 503: " + a503);
        assertTrue(redisKeys() > 0, "the team's counters live in Redis under " + PREFIX);
    }

    /** Polls readiness as a load balancer does; readiness itself answers at once, UP or DOWN. */
    private static JsonPath awaitReady() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            io.restassured.response.Response r = given().get("/q/health/ready");
            if (r.statusCode() == 200) return r.jsonPath();
            if (System.nanoTime() > end) throw new AssertionError("not ready after 60 s: " + r.asString());
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void deleteKeys() throws Exception {
        redis(redis -> {
            for (Response k : get(redis.send(Request.cmd(Command.KEYS).arg(PREFIX + "*")))) get(redis.send(Request.cmd(Command.DEL).arg(k.toString())));
            return null;
        });
    }

    private static int redisKeys() throws Exception {
        return redis(redis -> get(redis.send(Request.cmd(Command.KEYS).arg(PREFIX + "*"))).size());
    }

    private interface WithRedis<T> { T apply(Redis redis) throws Exception; }

    /** Runs {@code use} with a client of its own, straight to Redis. */
    private static <T> T redis(WithRedis<T> use) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, RequiresRedis.URL);
            try {
                return use.apply(redis);
            } finally {
                redis.close();
            }
        } finally {
            get(vertx.close());
        }
    }

    private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
