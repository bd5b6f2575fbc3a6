package dev.frugal.testsupport;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * An in-process OTLP/HTTP receiver on 127.0.0.1 (protobuf, as Quarkus's exporter sends it): keeps every
 * span and the raw payloads, so a test can look for text that must never be exported. Configures the
 * gateway through the standard OpenTelemetry names ({@code otel.exporter.otlp.*}, which is what
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} and {@code OTEL_EXPORTER_OTLP_PROTOCOL} read as), so the mapping
 * to Quarkus's settings is under test too.
 */
public class OtlpReceiver implements QuarkusTestResourceLifecycleManager {
    private static final List<Span> SPANS = new ArrayList<>();
    private static final List<byte[]> PAYLOADS = new ArrayList<>();
    private static final java.util.Set<String> PATHS = new java.util.concurrent.CopyOnWriteArraySet<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            PATHS.add(exchange.getRequestURI().getPath());
            ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(body);
            synchronized (SPANS) {
                PAYLOADS.add(body);
                for (ResourceSpans rs : req.getResourceSpansList()) {
                    for (ScopeSpans ss : rs.getScopeSpansList()) SPANS.addAll(ss.getSpansList());
                }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + server.getAddress().getPort(),
                "otel.exporter.otlp.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "50ms");
    }

    @Override
    public void stop() {
        if (server != null) server.stop(0);
    }

    /** The spans received so far. */
    public static List<Span> spans() {
        synchronized (SPANS) { return List.copyOf(SPANS); }
    }

    /** The paths the exporter posted to. */
    public static java.util.Set<String> paths() { return java.util.Set.copyOf(PATHS); }

    /** Every payload received so far, concatenated (to search for text). */
    public static String payloads() {
        StringBuilder sb = new StringBuilder();
        synchronized (SPANS) {
            for (byte[] p : PAYLOADS) sb.append(new String(p, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }
}
