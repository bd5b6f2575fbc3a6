package dev.frugal.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.Secret;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.provider.anthropic.AnthropicFactory;
import dev.frugal.provider.openai.OpenAiFactory;
import dev.frugal.wire.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: an upstream that echoes the gateway's credentials in its error message — the API key
 * and an extra {@code headers:} value such as a proxy credential — must not get either to the
 * client, whether the error is a 4xx/5xx body or an in-band event after the first chunk. Real
 * adapters against a per-test upstream that echoes the headers it received.
 */
@Tag("unit")
class CredentialScrubTest {
    private static final String KEY = "sk-live-gateway-key-0123456789";
    private static final String PROXY = "proxy-credential-Zq7xW2vK9";

    static Vertx vertx;
    static HttpServer server;
    static UpstreamHttp http;
    static String baseUrl;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(CredentialScrubTest::echo).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        baseUrl = "http://127.0.0.1:" + server.actualPort();
        http = new UpstreamHttp(vertx, 4);
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Echoes every credential it received, as a misbehaving proxy or backend would; the model picks the shape. */
    private static void echo(HttpServerRequest req) {
        req.body().onSuccess(b -> {
            String model = b.toJsonObject().getString("model");
            String key = req.getHeader("x-api-key") != null ? req.getHeader("x-api-key") : req.getHeader("Authorization");
            String leak = "Invalid proxy auth '" + req.getHeader("X-Proxy-Auth") + "' for key " + key;
            String text = Json.object().put("message", leak).put("param", req.getHeader("X-Proxy-Auth")).put("type", "api_error").toString();
            boolean anthropic = req.path().endsWith("/messages");
            String body = anthropic ? "{\"type\":\"error\",\"error\":" + text + "}" : "{\"error\":" + text + "}";
            if (!model.startsWith("mid-stream")) {
                req.response().setStatusCode(Integer.parseInt(model.substring(5))).putHeader("content-type", "application/json").end(body);
                return;
            }
            req.response().putHeader("content-type", "text/event-stream");
            if (anthropic) {
                req.response().end("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Partial\"}}\n\n"
                        + "event: error\ndata: " + body + "\n\n");
            } else {
                req.response().end("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\",\"content\":\"Partial\"},\"finish_reason\":null}]}\n\ndata: " + body + "\n\n");
            }
        });
    }

    private static ProviderConfig provider(ProviderKind kind) {
        ProviderConfig p = ProviderConfig.http("leaky", kind, URI.create(baseUrl + (kind == ProviderKind.OPENAI ? "/v1" : "")), new Secret(KEY));
        return new ProviderConfig(p.name(), p.kind(), p.baseUrl(), p.apiKey(), Map.of("X-Proxy-Auth", PROXY), p.dialect(), p.timeouts(),
                null, null, p.apiVersion(), p.defaultMaxTokens(), false, null);
    }

    private static ChatCapable adapter(ProviderKind kind) {
        ProviderConfig c = provider(kind);
        Object a = kind == ProviderKind.OPENAI ? new OpenAiFactory(http, TimeSource.SYSTEM).create(c)
                : new AnthropicFactory(http, TimeSource.SYSTEM).create(c);
        return (ChatCapable) a;
    }

    /** Everything the client could read of the failure: the error the edge writes and the upstream failure's own fields. */
    private static String whatTheClientSees(ProviderKind kind, String model, boolean stream) throws Exception {
        ChatCapable chat = adapter(kind);
        ObjectNode request = (ObjectNode) Json.parse("{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        GenerationCall call = new GenerationCall("req_leak", dev.frugal.provider.Operation.CHAT,
                new ModelConfig.Deployment("leaky", model, 1), request, stream, false);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        StringBuilder chunks = new StringBuilder();
        vertx.getOrCreateContext().runOnContext(v -> {
            if (!stream) {
                chat.chat(call).onComplete(ar -> failure.complete(ar.cause()));
                return;
            }
            chat.chatStream(call).onComplete(ar -> {
                if (ar.failed()) { failure.complete(ar.cause()); return; }
                ar.result().start(new ChunkStream.Handler() {
                    @Override public void onChunk(String json) { chunks.append(json); }
                    @Override public void onEnd() { failure.complete(null); }
                    @Override public void onError(Throwable t) { failure.complete(t); }
                });
            });
        });
        Throwable t = failure.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof UpstreamFailure, "an upstream failure: " + t);
        UpstreamFailure f = (UpstreamFailure) t;
        GatewayError client = f.toClientError();
        assertTrue(f.getMessage().contains("Invalid proxy auth"), "the upstream's message is still shown, scrubbed: " + f.getMessage());
        return chunks + "|" + f.getMessage() + "|" + f.param() + "|" + client.getMessage() + "|" + client.param() + "|" + client.code();
    }

    @ParameterizedTest(name = "{0} {1} stream={2}")
    @CsvSource({"OPENAI, http-500, false", "OPENAI, http-400, false", "OPENAI, http-429, true", "OPENAI, mid-stream, true",
            "ANTHROPIC, http-500, false", "ANTHROPIC, http-400, true", "ANTHROPIC, mid-stream, true"})
    void neitherTheKeyNorAnExtraHeaderValueReachesTheClient(ProviderKind kind, String model, boolean stream) throws Exception {
        String seen = whatTheClientSees(kind, model, stream);
        assertFalse(seen.contains(PROXY), "the proxy credential leaked: " + seen);
        assertFalse(seen.contains(KEY), "the key leaked: " + seen);
        assertFalse(seen.contains(KEY.substring(0, 12)), "a prefix of the key leaked: " + seen);
    }

    @Test
    void everyConfiguredCredentialIsMasked() {
        ProviderConfig base = ProviderConfig.http("p", ProviderKind.OPENAI,
                URI.create("https://user:pa%24sword-1@proxy.example/v1?token=query-token-123&v=1"), new Secret("k-123"));
        ProviderConfig c = new ProviderConfig(base.name(), base.kind(), base.baseUrl(), base.apiKey(),
                Map.of("Proxy-Authorization", "Bearer bearer-token-xyz", "X-Flag", "on"), base.dialect(), base.timeouts(), null, null,
                null, 0, false, URI.create("https://probe.example/health?sig=probe-signature-9"));
        Credentials creds = Credentials.of(c);
        String m = creds.mask("k-123 pa$sword-1 pa%24sword-1 query-token-123 bearer-token-xyz probe-signature-9 on v=1", 8);
        assertEquals("*** *** *** *** *** *** on v=1", m);
        assertEquals("nothing", Credentials.mask("nothing", null, 8));
        assertFalse(creds.toString().contains("k-123"));
    }
}
