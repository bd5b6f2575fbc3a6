package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.core.RequestView;
import dev.frugal.core.TimeSource;
import dev.frugal.tenancy.Caller;
import io.vertx.core.Future;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.List;

/**
 * {@code POST /admin/routing/explain}: the routing decision a chat completions request of a team would
 * get now — the same {@link Features} and {@link Planning} as live traffic (the rules, the filters against
 * the backends' state now, the objective, the predicted quality), scoring every candidate, and no upstream
 * call, no admission, no ledger row. Runs on the event loop; reads memory only.
 */
@Singleton
public class RoutingExplain {
    @Inject ConfigHolder configs;
    @Inject TimeSource time;
    @Inject Features features;
    @Inject Planning planning;
    @Inject Settlement settlement;

    /** The team of this name in the config file now, or null (it may have been made through the admin API). */
    public TeamConfig fileTeam(String name) {
        return configs.get().teams().get(name);
    }

    /**
     * The decision for {@code request} sent by {@code team}: {@code {object: "routing.decision", request, route,
     * rule, objective, choice, fallbacks, candidates, compact, error}} (docs/admin-api.md). A request the
     * gateway would refuse is explained too, with the error it would get; a team that may not call the model
     * is the one case answered as that error itself (404), as the team would see it.
     *
     * @param keyId       the key id rules may match, or null
     * @param routeHeader the {@code x-frugal-route} header rules may match, or null
     * @throws GatewayError 400 when {@code request} is not a chat completions body with a model and messages
     */
    public Future<ObjectNode> explain(TeamConfig team, String keyId, String routeHeader, JsonNode request) {
        ObjectNode body = chatBody(request);
        FrugalConfig config = configs.get();
        Exchange ex = new Exchange(Ids.random("explain_", 16), "explain", config, time, settlement);
        ex.caller = new Caller(team, keyId, Limits.NONE, List.of());
        ex.team = team;
        ex.routeHeader(routeHeader);
        RequestView view = features.read(ex, RequestView.Kind.CHAT, body);
        Future<ObjectNode> out;
        try {
            out = planning.plan(ex, view, true).map(plan -> DecisionJson.of(team.name(), view, plan.decision(), plan.shadow(),
                    ex.qualityBasis, null));
        } catch (GatewayError e) {
            if (ex.decision == null) throw e; // not the team's model or route: no decision to show
            out = Future.succeededFuture(DecisionJson.of(team.name(), view, ex.decision, null, ex.qualityBasis, e));
        }
        return out;
    }

    /** The minimum routing reads: an object with a text {@code model} and a list of {@code messages}. */
    private static ObjectNode chatBody(JsonNode request) {
        if (!(request instanceof ObjectNode body)) {
            throw GatewayError.invalidRequest("'request' must be a chat completions request body (a JSON object).", "request");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) throw GatewayError.missingField("request.model");
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) throw GatewayError.missingField("request.messages");
        return body;
    }
}
