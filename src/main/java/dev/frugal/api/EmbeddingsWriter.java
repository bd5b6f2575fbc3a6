package dev.frugal.api;

import dev.frugal.core.Usage;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * Writes an OpenAI embeddings response. With {@code encoding_format: base64} (what the official
 * SDKs ask for by default) each vector is float32 little-endian, base64 encoded.
 */
final class EmbeddingsWriter {
    private EmbeddingsWriter() {}

    static Buffer write(String model, List<float[]> vectors, Usage usage, boolean base64) {
        StringBuilder sb = new StringBuilder(64 + vectors.size() * (base64 ? 2100 : 4000));
        sb.append("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":");
            if (base64) {
                ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                bb.asFloatBuffer().put(v);
                sb.append('"').append(Base64.getEncoder().encodeToString(bb.array())).append('"');
            } else {
                sb.append('[');
                for (int j = 0; j < v.length; j++) {
                    if (j > 0) sb.append(',');
                    float f = v[j];
                    sb.append(Float.isFinite(f) ? Float.toString(f) : "0.0");
                }
                sb.append(']');
            }
            sb.append('}');
        }
        sb.append("],\"model\":");
        appendString(sb, model);
        long tokens = usage.promptTokens();
        sb.append(",\"usage\":{\"prompt_tokens\":").append(tokens).append(",\"total_tokens\":").append(tokens).append("}}");
        return Buffer.buffer(sb.toString());
    }

    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        sb.append('"');
    }
}
