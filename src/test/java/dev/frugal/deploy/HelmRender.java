package dev.frugal.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.frugal.wire.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Renders helm/frugal offline (helm-java embeds the Helm library) into its manifests, as JSON trees. */
final class HelmRender {
    static final Path CHART = Path.of("helm", "frugal");
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private HelmRender() {}

    /** The chart's manifests with these values files' contents (written under {@code tmp}), release name {@code gw}. */
    static List<JsonNode> render(Path tmp, String... values) throws IOException {
        TemplateCommand template = new Helm(CHART).template().withName("gw");
        for (String content : values) {
            Path file = Files.createTempFile(tmp, "values", ".yaml");
            Files.writeString(file, content);
            template = template.withValuesFile(file);
        }
        String out = template.call();
        List<JsonNode> docs = new ArrayList<>();
        for (String doc : DOCUMENT_SEPARATOR.split(out)) {
            JsonNode node = Json.parseYaml(doc);
            if (node != null && node.isObject()) docs.add(node);
        }
        return docs;
    }

    /** The one manifest of this kind. */
    static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> of = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        if (of.size() != 1) throw new AssertionError("expected one " + kind + ", found " + of.size());
        return of.get(0);
    }
}
