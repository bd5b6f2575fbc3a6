package dev.frugal.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/**
 * The one JSON mapper of the gateway. Tolerant reader: unknown fields are kept in trees,
 * never rejected. Thread-safe.
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());

    static {
        // Bound nesting so a hostile body cannot blow the stack of the event loop.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    private Json() {}

    public static ObjectMapper mapper() { return MAPPER; }

    public static JsonNodeFactory nodes() { return JsonNodeFactory.instance; }

    public static ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

    /** Parses JSON; throws {@link IOException} for malformed input. Reads a heap buffer in place, without a copy. */
    public static JsonNode parse(Buffer buffer) throws IOException {
        ByteBuf b = heap(buffer);
        return MAPPER.readTree(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
    }

    /** A streaming parser over the buffer's bytes (a heap buffer read in place), to read JSON without a tree. */
    public static JsonParser parser(Buffer buffer) throws IOException {
        ByteBuf b = heap(buffer);
        return MAPPER.createParser(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
    }

    /** The buffer's bytes with an array behind them: a view of a heap buffer (its own indexes, no copy), else a copy. */
    static ByteBuf heap(Buffer buffer) {
        ByteBuf view = buffer.getByteBuf();
        return view.hasArray() ? view : Unpooled.wrappedBuffer(buffer.getBytes());
    }

    public static JsonNode parse(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    public static JsonNode parse(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    public static JsonNode parseYaml(String text) throws IOException {
        return YAML.readTree(text);
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    public static Buffer writeBuffer(JsonNode node) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** A message's content as text: a string, or the text parts of an array joined; "" for null or missing. */
    public static String contentText(JsonNode node) {
        if (node == null || node.isNull()) return "";
        if (node.isTextual()) return node.asText();
        StringBuilder sb = new StringBuilder();
        if (node.isArray()) for (JsonNode part : node) sb.append(part.path("text").asText(""));
        return sb.toString();
    }
}
