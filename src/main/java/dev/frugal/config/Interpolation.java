package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:default}} in every string value of the file (never in
 * keys) in one pass: a value that itself contains {@code ${…}} is taken as it is. A variable that is
 * unset and has no default is a problem named by the path of its field. Stateless apart from the
 * reader it reports to.
 */
final class Interpolation {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?}");

    private final Function<String, String> env;
    private final ConfigReader reader;

    /** @param env a variable's value, or null when it is not set */
    Interpolation(Function<String, String> env, ConfigReader reader) {
        this.env = env;
        this.reader = reader;
    }

    /** A copy of the tree with every variable replaced; the tree given is left as it was. */
    JsonNode apply(JsonNode n) {
        return apply(n, "");
    }

    private JsonNode apply(JsonNode n, String path) {
        if (n.isTextual()) return text(n, path);
        if (n.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            n.fields().forEachRemaining(e -> copy.set(e.getKey(), apply(e.getValue(), ConfigReader.join(path, e.getKey()))));
            return copy;
        }
        if (n.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < n.size(); i++) copy.add(apply(n.get(i), path + "[" + i + "]"));
            return copy;
        }
        return n;
    }

    private JsonNode text(JsonNode n, String path) {
        String text = n.asText();
        if (text.indexOf("${") < 0) return n;
        Matcher m = VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) value = m.group(2);
            if (value == null) {
                reader.error(path.isEmpty() ? "(root)" : path, "environment variable " + m.group(1) + " is not set");
                value = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return JsonNodeFactory.instance.textNode(sb.toString());
    }
}
