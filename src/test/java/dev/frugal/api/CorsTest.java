package dev.frugal.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS as the test profile configures it (application.properties): only https://app.example, never credentials. */
@QuarkusTest
class CorsTest {
    static Response preflight(String origin, String path) {
        return given().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,x-stainless-os")
                .when().options(path);
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered() {
        for (String path : new String[]{"/v1/responses", "/v1/chat/completions", "/v1/messages"}) {
            Response r = preflight("https://app.example", path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("https://app.example", r.header("Access-Control-Allow-Origin"), path);
            assertTrue(r.header("Access-Control-Allow-Methods").contains("POST"), r.headers().toString());
            assertTrue(r.header("Access-Control-Allow-Headers").toLowerCase().contains("authorization"), r.headers().toString());
            assertNotEquals("true", r.header("Access-Control-Allow-Credentials"), "keys are headers, never cookies");
            assertEquals("600", r.header("Access-Control-Max-Age"));
        }
    }

    @Test
    void anotherOriginGetsNoCorsHeaders() {
        Response r = preflight("https://evil.example", "/v1/responses");
        assertNull(r.header("Access-Control-Allow-Origin"), r.headers().toString());
    }

    @Test
    void anAnswerToAnAllowedOriginCarriesItsHeaders() {
        Response r = given().header("Origin", "https://app.example").header("Authorization", "Bearer frg-test-e2e-key")
                .when().get("/v1/models");
        assertEquals(200, r.statusCode());
        assertEquals("https://app.example", r.header("Access-Control-Allow-Origin"));
        assertTrue(r.header("Access-Control-Expose-Headers").contains("x-request-id"));
    }
}
