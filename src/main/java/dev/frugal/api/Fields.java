package dev.frugal.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.GatewayError;

/** Typed reads of request fields that answer a 400 naming the field ({@code param}) when wrong. */
final class Fields {
    private Fields() {}

    static String requiredString(JsonNode body, String field) {
        return requiredString(body, field, field);
    }

    /** {@code field} of {@code node}, a non-empty string; {@code param} names it in the 400. */
    static String requiredString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw GatewayError.missingField(param);
        if (!v.isTextual()) throw GatewayError.wrongType(param, "a string");
        if (v.asText().isEmpty()) throw GatewayError.invalidRequest("'" + param + "' must not be empty.", param);
        return v.asText();
    }

    static void optionalString(JsonNode body, String field) {
        optionalString(body, field, field);
    }

    static void optionalString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v != null && !v.isNull() && !v.isTextual()) throw GatewayError.wrongType(param, "a string");
    }

    static boolean optionalBoolean(JsonNode body, String field, String param) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw GatewayError.wrongType(param, "a boolean");
        return v.asBoolean();
    }

    static void optionalInt(JsonNode body, String field, long min, long max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return;
        if (!v.isIntegralNumber()) throw GatewayError.wrongType(field, "an integer");
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw GatewayError.invalidRequest("'" + field + "' must be between " + min + " and " + max + ".", field);
        }
    }

    static void optionalNumber(JsonNode body, String field, double min, double max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return;
        if (!v.isNumber()) throw GatewayError.wrongType(field, "a number");
        double d = v.asDouble();
        if (d < min || d > max) throw GatewayError.invalidRequest("'" + field + "' must be between " + fmt(min) + " and " + fmt(max) + ".", field);
    }

    static void optionalStop(JsonNode body) {
        JsonNode v = body.get("stop");
        if (v == null || v.isNull() || v.isTextual()) return;
        if (!v.isArray()) throw GatewayError.wrongType("stop", "a string or an array of strings");
        if (v.size() > 4) throw GatewayError.invalidRequest("'stop' may hold at most 4 sequences.", "stop");
        for (int i = 0; i < v.size(); i++) if (!v.get(i).isTextual()) throw GatewayError.wrongType("stop[" + i + "]", "a string");
    }

    static void optionalObject(JsonNode body, String field) {
        optionalObject(body, field, field);
    }

    static void optionalObject(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v != null && !v.isNull() && !v.isObject()) throw GatewayError.wrongType(param, "an object");
    }

    private static String fmt(double d) { return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d); }
}
