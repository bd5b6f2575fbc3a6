package dev.frugal.tenancy.teams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.Budget;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.Money;
import dev.frugal.wire.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A team's or key's policy as JSON, in the admin API's shape (which mirrors {@code teams[]} of the
 * file): how the admin API shows it and how the database stores it. The inverse of
 * {@link ConfigCompiler#compileTeam}, which reads it back. Pure.
 */
public final class PolicyJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PolicyJson() {}

    /** {@code {name, models, budget, limits, reference_model, data_policy}}. */
    public static ObjectNode team(TeamConfig t) {
        ObjectNode o = NODES.objectNode().put("name", t.name());
        o.set("models", models(t.models()));
        o.set("budget", budgets(t.budgets()));
        o.set("limits", limits(t.limits()));
        if (t.referenceModel() == null) o.putNull("reference_model");
        else o.put("reference_model", t.referenceModel());
        o.put("data_policy", t.dataPolicy().id());
        return o;
    }

    /** Sorted, so the same policy always looks the same; empty means every model. */
    public static ArrayNode models(Set<String> models) {
        ArrayNode a = NODES.arrayNode();
        new TreeSet<>(models).forEach(a::add);
        return a;
    }

    /** {@code [{usd, period, mode}]}; usd is an exact decimal number. */
    public static ArrayNode budgets(List<Budget> budgets) {
        ArrayNode a = NODES.arrayNode();
        for (Budget b : budgets) {
            ObjectNode o = a.addObject();
            o.set("usd", DecimalNode.valueOf(Money.usdShort(b.limitMicros()))); // not put(BigDecimal): the factory may write 5E+2
            o.put("period", b.period().name().toLowerCase(Locale.ROOT))
                    .put("mode", b.hard() ? "hard" : "soft");
        }
        return a;
    }

    public static ObjectNode limits(Limits l) {
        return NODES.objectNode().put("rpm", l.requestsPerMinute()).put("tpm", l.tokensPerMinute()).put("concurrent", l.concurrent());
    }


    /** A team read back from its stored columns (the models named are not checked: they may have gone since). */
    static TeamConfig team(String name, String models, String budgets, String limits, String referenceModel,
                           String dataPolicy) {
        ObjectNode o = NODES.objectNode().put("name", name);
        o.set("models", parse(models));
        o.set("budget", parse(budgets));
        o.set("limits", parse(limits));
        o.put("reference_model", referenceModel);
        if (dataPolicy != null) o.put("data_policy", dataPolicy);
        return ConfigCompiler.compileTeam(o, null);
    }

    static Limits limits(String stored) {
        return stored == null ? Limits.NONE : ConfigCompiler.compileLimits(parse(stored), "limits");
    }

    static List<Budget> budgets(String stored) {
        return stored == null ? List.of() : ConfigCompiler.compileBudgets(parse(stored), "budget");
    }

    static String text(JsonNode n) { return Json.write(n); }

    /** Reads stored JSON keeping decimals exact (a budget's usd). */
    private static JsonNode parse(String text) {
        try {
            return Json.mapper().reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("stored policy is not JSON: " + e.getMessage(), e);
        }
    }
}
