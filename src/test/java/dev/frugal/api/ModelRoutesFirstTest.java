package dev.frugal.api;

import dev.frugal.admin.RouteCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.ext.web.Route;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model request is matched against no other route with a path before its own (HttpEdge.post): only
 * the catch-all handlers that every request goes through (the body deadline, Quarkus's own) come first.
 */
@QuarkusTest
class ModelRoutesFirstTest {
    private static final Set<String> MODEL_ROUTES = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings",
            "/v1/messages", "/v1/messages/count_tokens", "/v1/responses");

    @Inject RouteCapture capture;

    @Test
    void modelRoutesComeBeforeEveryOtherRouteWithAPath() {
        List<Route> routes = capture.router().getRoutes();
        int lastModelRoute = -1;
        int modelRoutes = 0;
        for (int i = 0; i < routes.size(); i++) {
            if (isModelRoute(routes.get(i))) {
                lastModelRoute = i;
                modelRoutes++;
            }
        }
        assertEquals(MODEL_ROUTES.size(), modelRoutes, "every model route is registered once");
        for (int i = 0; i <= lastModelRoute; i++) {
            Route r = routes.get(i);
            if (isModelRoute(r)) continue;
            assertNull(r.getPath(), "route " + i + " with path " + r.getPath() + " is matched before a model route");
            assertTrue(!r.isRegexPath(), "route " + i + " is matched by regular expression before a model route");
        }
    }

    private static boolean isModelRoute(Route r) {
        return r.getPath() != null && MODEL_ROUTES.contains(r.getPath());
    }
}
