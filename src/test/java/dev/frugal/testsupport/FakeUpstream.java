package dev.frugal.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fake upstream on 127.0.0.1 for tests, speaking whichever protocol the request path names:
 * {@code /v1/messages} → anthropic, {@code …:generateContent}/{@code …:streamGenerateContent} →
 * gemini, {@code /api/…} → ollama, {@code /openai/…} → azure, anything else → openai. What it
 * answers is chosen by the request's {@code fixture} body field (an OpenAI-compatible gateway
 * passes unknown fields through), else by the model (the body's {@code model}, or the model or
 * deployment named in the path); {@code GET /api/tags} (Ollama's model list) always replays
 * {@code fixtures/ollama/tags}:
 * <ul>
 *   <li>a folder {@code fixtures/<protocol>/<case>/} — its response replayed byte for byte, SSE
 *       events written one by one, NDJSON ({@code response.ndjson}) line by line; its sub-folder
 *       {@code after-tool/}, when there is one, instead once the request's last message carries a tool
 *       result (an agent's loop: a tool call, then the answer to its result);</li>
 *   <li>{@code slow-ok} — answers (as the echo does) after 100 ms, {@code slow-ok-<ms>} after that long;</li>
 *   <li>{@code hang} — never answers; {@code reset} — closes the connection at once;</li>
 *   <li>{@code slow-stream} — one chunk every 50 ms for 10 s, noting when the client went away;</li>
 *   <li>{@code stall-stream} — two chunks, then silence with the connection left open;</li>
 *   <li>{@code reset-after-chunk} — one chunk, then the connection is closed without an end;</li>
 *   <li>anything else — a small answer whose text names the model it was asked for (in Ollama's
 *       native format for {@code /api/chat}).</li>
 * </ul>
 * Any other {@code GET} is a health probe: 200 with an empty model list, or the status that
 * {@link #failProbes} or {@link #answerProbes} set for its path. Every request but GETs is recorded for assertions.
 */
public final class FakeUpstream {
    /** One request as the upstream received it; {@code query} holds the decoded query parameters. */
    public record Received(String path, Map<String, String> headers, JsonObject body, Map<String, String> query) {}

    private final Vertx vertx = Vertx.vertx();
    private final ConcurrentLinkedDeque<Received> received = new ConcurrentLinkedDeque<>();
    private volatile CountDownLatch slowStreamClosed = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger tagRequests = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, java.util.Queue<Integer>> scripted = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxConcurrent = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> probes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> probeHeaders = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> probeQueries = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> probeStatuses = new java.util.concurrent.ConcurrentHashMap<>();
    private HttpServer server;

    public int start() throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    public void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    public Received last() { return received.peekLast(); }

    public java.util.List<Received> all() { return java.util.List.copyOf(received); }

    /** How many times Ollama's model list ({@code GET /api/tags}) was asked for; not in {@link #all()}. */
    public int tagRequests() { return tagRequests.get(); }

    /** The next requests for {@code model} are answered with these statuses (an OpenAI error body), then as usual. */
    public void script(String model, Integer... statuses) {
        scripted.computeIfAbsent(model, m -> new java.util.concurrent.ConcurrentLinkedQueue<>()).addAll(java.util.List.of(statuses));
    }

    /** How many GETs (health probes) reached {@code path}; they are not in {@link #all()}. */
    public int probes(String path) {
        java.util.concurrent.atomic.AtomicInteger n = probes.get(path);
        return n == null ? 0 : n.get();
    }

    /** The headers of the last GET of {@code path}, or null. */
    public Map<String, String> probeHeaders(String path) { return probeHeaders.get(path); }

    /** The raw query of the last GET of {@code path} ("" when none), or null. */
    public String probeQuery(String path) { return probeQueries.get(path); }

    /** GETs of {@code path} answer 503 while {@code failing}, else 200 with an empty model list. */
    public void failProbes(String path, boolean failing) {
        if (failing) probeStatuses.put(path, 503);
        else probeStatuses.remove(path);
    }

    /** GETs of {@code path} answer {@code status} (an OpenAI error body unless 2xx) until set back to 200. */
    public void answerProbes(String path, int status) {
        if (status == 200) probeStatuses.remove(path);
        else probeStatuses.put(path, status);
    }

    /** The most requests the {@code slow-ok} behaviour had open at once since {@link #clear}. */
    public int maxConcurrent() { return maxConcurrent.get(); }

    public void clear() {
        scripted.clear();
        maxConcurrent.set(0);
        received.clear();
        slowStreamClosed = new CountDownLatch(1);
    }

    /** Waits until a slow stream's client connection closed. */
    public boolean awaitSlowStreamClosed(long seconds) throws InterruptedException {
        return slowStreamClosed.await(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buf -> {
            JsonObject body = buf.length() == 0 ? new JsonObject() : new JsonObject(buf);
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            req.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
            String protocol = protocol(req.path());
            if (req.method() == io.vertx.core.http.HttpMethod.GET && req.path().equals("/api/tags")) {
                // Ollama's model list, asked for by model discovery on its own timer: counted apart,
                // so it never shows up as the last request of a test that happens to run meanwhile
                tagRequests.incrementAndGet();
                if (!replay(protocol, "tags", req.response())) req.response().setStatusCode(404).end();
                return;
            }
            if (req.method() == io.vertx.core.http.HttpMethod.GET) {
                // a health probe (a model list): counted apart and never recorded, like /api/tags
                probes.computeIfAbsent(req.path(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                probeHeaders.put(req.path(), headers);
                probeQueries.put(req.path(), req.query() == null ? "" : req.query());
                int status = probeStatuses.getOrDefault(req.path(), 200);
                if (status != 200) {
                    req.response().setStatusCode(status).putHeader("content-type", "application/json")
                            .end("{\"error\":{\"message\":\"probe refused\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
                } else {
                    req.response().putHeader("content-type", "application/json").end("{\"object\":\"list\",\"data\":[]}");
                }
                return;
            }
            Map<String, String> query = new java.util.TreeMap<>();
            req.params().forEach(e -> query.put(e.getKey(), e.getValue()));
            received.add(new Received(req.path(), headers, body, query));
            String behaviour = body.getString("fixture", modelOf(req.path(), body));
            HttpServerResponse resp = req.response();
            Integer status = scripted.getOrDefault(behaviour, new java.util.LinkedList<>()).poll();
            if (status != null) {
                resp.setStatusCode(status).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"scripted " + status + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
                return;
            }
            if (behaviour.startsWith("slow-ok")) { // answers after 100 ms (slow-ok-<ms>: that long), counting how many are open at once
                int now = concurrent.incrementAndGet();
                maxConcurrent.accumulateAndGet(now, Math::max);
                long delay = behaviour.matches("slow-ok-\\d{1,5}") ? Long.parseLong(behaviour.substring(8)) : 100;
                vertx.setTimer(delay, id -> {
                    concurrent.decrementAndGet();
                    echo(req.path(), body, resp);
                });
                return;
            }
            switch (behaviour) {
                case "hang" -> { /* never answer */ }
                case "echo-credentials" -> { // a misbehaving upstream: its error repeats every header it received
                    String all = headers.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(java.util.stream.Collectors.joining(", "));
                    resp.setStatusCode(400).putHeader("content-type", "application/json").end(new JsonObject()
                            .put("error", new JsonObject().put("message", "bad request; you sent " + all).put("type", "invalid_request_error")
                                    .put("param", all).put("code", "echo")).encode());
                }
                case "reset" -> req.connection().close();
                case "slow-stream" -> slowStream(resp);
                case "stall-stream" -> {
                    resp.setChunked(true).putHeader("content-type", "text/event-stream");
                    resp.write(chunk("stall", "one "));
                    resp.write(chunk("stall", "two "));
                }
                case "reset-after-chunk" -> {
                    resp.setChunked(true).putHeader("content-type", "text/event-stream");
                    resp.write(chunk("reset", "partial ")).onComplete(w -> vertx.setTimer(50, id -> req.connection().close()));
                }
                default -> {
                    if (afterTool(body) && replay(protocol, behaviour + "/after-tool", resp)) return;
                    if (!replay(protocol, behaviour, resp)) echo(req.path(), body, resp);
                }
            }
        });
    }

    /** Whether the request's last message is a tool result: an OpenAI {@code tool} message, or Anthropic {@code tool_result} blocks. */
    static boolean afterTool(JsonObject body) {
        JsonArray messages = body.getJsonArray("messages");
        if (messages == null || messages.isEmpty() || !(messages.getValue(messages.size() - 1) instanceof JsonObject last)) return false;
        if ("tool".equals(last.getString("role"))) return true;
        return last.getValue("content") instanceof JsonArray blocks && blocks.stream()
                .anyMatch(b -> b instanceof JsonObject o && "tool_result".equals(o.getString("type")));
    }

    /** The protocol a request path belongs to, which is also its fixtures folder. */
    public static String protocol(String path) {
        if (path.endsWith("/v1/messages")) return "anthropic";
        if (path.contains(":generateContent") || path.contains(":streamGenerateContent") || path.contains(":embedContent")
                || path.contains(":batchEmbedContents")) return "gemini";
        if (path.startsWith("/api/")) return "ollama";
        if (path.startsWith("/openai/")) return "azure";
        return "openai";
    }

    /** The model a request names: in the path for Gemini and Azure deployments, else in the body. */
    static String modelOf(String path, JsonObject body) {
        int models = path.indexOf("/models/");
        if (models >= 0 && path.indexOf(':', models) > 0) return path.substring(models + 8, path.indexOf(':', models));
        int deployments = path.indexOf("/deployments/");
        if (deployments >= 0) {
            String rest = path.substring(deployments + 13);
            return rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        }
        return body.getString("model", "");
    }

    private boolean replay(String protocol, String fixture, HttpServerResponse resp) {
        if (fixture.isEmpty() || fixture.contains("..")) return false;
        String dir = "fixtures/" + protocol + "/" + fixture + "/";
        for (String file : new String[]{"response.json", "response.sse", "response.ndjson", "response.html"}) {
            byte[] bytes = resource(dir + file);
            if (bytes == null) continue;
            Properties meta = new Properties();
            byte[] m = resource(dir + "meta.properties");
            if (m != null) {
                try {
                    meta.load(new StringReader(new String(m, StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            String type = meta.getProperty("content-type", file.endsWith(".sse") ? "text/event-stream"
                    : file.endsWith(".ndjson") ? "application/x-ndjson" : file.endsWith(".html") ? "text/html" : "application/json");
            resp.setStatusCode(Integer.parseInt(meta.getProperty("status", "200"))).putHeader("content-type", type);
            meta.stringPropertyNames().stream().filter(k -> k.startsWith("header."))
                    .forEach(k -> resp.putHeader(k.substring(7), meta.getProperty(k)));
            if (file.endsWith(".sse")) writeEvents(resp, bytes);
            else if (file.endsWith(".ndjson")) writeLines(resp, bytes);
            else resp.end(Buffer.buffer(bytes));
            return true;
        }
        return false;
    }

    /** Writes an SSE body one event at a time, as a real server flushes them. */
    private void writeEvents(HttpServerResponse resp, byte[] bytes) {
        resp.setChunked(true);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int from = 0;
        while (from < text.length()) {
            int lf = text.indexOf("\n\n", from);
            int crlf = text.indexOf("\r\n\r\n", from);
            int end;
            if (lf < 0 && crlf < 0) end = text.length();
            else if (crlf >= 0 && (lf < 0 || crlf < lf)) end = crlf + 4;
            else end = lf + 2;
            resp.write(Buffer.buffer(text.substring(from, end).getBytes(StandardCharsets.ISO_8859_1)));
            from = end;
        }
        resp.end();
    }

    /** Writes an NDJSON body one line at a time, as Ollama streams. */
    private void writeLines(HttpServerResponse resp, byte[] bytes) {
        resp.setChunked(true);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int end = nl < 0 ? text.length() : nl + 1;
            resp.write(Buffer.buffer(text.substring(from, end).getBytes(StandardCharsets.ISO_8859_1)));
            from = end;
        }
        resp.end();
    }

    private void slowStream(HttpServerResponse resp) {
        resp.setChunked(true).putHeader("content-type", "text/event-stream");
        CountDownLatch closed = slowStreamClosed;
        resp.closeHandler(v -> closed.countDown());
        int[] n = {0};
        vertx.setPeriodic(50, id -> {
            if (resp.closed() || n[0]++ >= 200) {
                vertx.cancelTimer(id);
                if (!resp.closed()) resp.end("data: [DONE]\n\n");
                return;
            }
            resp.write("data: {\"id\":\"slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}\n\n");
        });
    }

    /** One OpenAI chat.completion.chunk SSE event carrying {@code text}. */
    private static String chunk(String id, String text) {
        return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + id
                + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private void echo(String path, JsonObject body, HttpServerResponse resp) {
        String model = body.getString("model", "");
        if (path.equals("/api/chat")) {
            ollamaEcho(model, body.getBoolean("stream", true), resp);
            return;
        }
        resp.putHeader("content-type", "application/json");
        if (path.endsWith("/embeddings")) {
            Object input = body.getValue("input");
            int n = input instanceof JsonArray a ? a.size() : 1;
            JsonArray data = new JsonArray();
            for (int i = 0; i < n; i++) {
                data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", new JsonArray().add(0.25 * (i + 1)).add(-0.5).add(1.0)));
            }
            resp.end(new JsonObject().put("object", "list").put("data", data).put("model", model)
                    .put("usage", new JsonObject().put("prompt_tokens", 3 * n).put("total_tokens", 3 * n)).encode());
            return;
        }
        if (body.getBoolean("stream", false)) {
            resp.setChunked(true).putHeader("content-type", "text/event-stream");
            String id = "chatcmpl-echo";
            resp.write("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
            resp.write("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"echo " + model + "\"},\"finish_reason\":null}]}\n\n");
            resp.write("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
            if (body.getJsonObject("stream_options", new JsonObject()).getBoolean("include_usage", false)) {
                resp.write("data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n");
            }
            resp.end("data: [DONE]\n\n");
            return;
        }
        resp.end(new JsonObject().put("id", "chatcmpl-echo").put("object", "chat.completion").put("created", 1).put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop").putNull("logprobs")
                        .put("message", new JsonObject().put("role", "assistant").put("content", "echo " + model).putNull("refusal"))))
                .put("usage", new JsonObject().put("prompt_tokens", 5).put("completion_tokens", 2).put("total_tokens", 7)).encode());
    }

    /** Ollama's native answer naming the model (streamed unless the body says {@code stream:false}, as Ollama does). */
    private static void ollamaEcho(String model, boolean stream, HttpServerResponse resp) {
        JsonObject last = new JsonObject().put("model", model).put("created_at", "2026-11-28T10:00:00Z")
                .put("message", new JsonObject().put("role", "assistant").put("content", stream ? "" : "echo " + model))
                .put("done_reason", "stop").put("done", true).put("prompt_eval_count", 5).put("eval_count", 2);
        if (!stream) {
            resp.putHeader("content-type", "application/json").end(last.encode());
            return;
        }
        resp.setChunked(true).putHeader("content-type", "application/x-ndjson");
        resp.write(new JsonObject().put("model", model).put("created_at", "2026-11-28T10:00:00Z")
                .put("message", new JsonObject().put("role", "assistant").put("content", "echo " + model)).put("done", false).encode() + "\n");
        resp.end(last.encode() + "\n");
    }

    private static byte[] resource(String path) {
        try (InputStream in = FakeUpstream.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
