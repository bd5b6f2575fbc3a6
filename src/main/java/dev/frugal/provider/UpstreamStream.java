package dev.frugal.provider;

import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.function.Consumer;

/**
 * The I/O of one streamed upstream call, the same for every HTTP adapter: send the request; turn
 * an answer that is not a 200 stream into the protocol's failure; feed the bytes to the protocol's
 * decoder as they arrive; and connect the relay's flow control (pause, resume, cancel) to the
 * connection. Adapters supply only the protocol half ({@link Protocol}); nothing here retries.
 */
public final class UpstreamStream {
    private UpstreamStream() {}

    /** The protocol-specific half of one streamed call: decoder and mapper state. One per call; not thread-safe. */
    public interface Protocol {
        /** Whether a 200 answer with this content type (null when absent) is this protocol's stream. */
        boolean isStream(String contentType);

        /** The failure for an answer that is not a 200 stream: an error status, or a 200 of another content type. */
        UpstreamFailure notAStream(int status, MultiMap headers, String contentType, Buffer body);

        /** Decodes bytes as they arrive, emitting OpenAI chunks; throws for an error the stream reports. */
        void feed(Buffer bytes, Consumer<String> emit);

        /** The connection ended cleanly: the chunks still owed (e.g. a synthesised finish), or a failure if it was cut. */
        List<String> end();

        /** Usage reported so far. */
        Usage usage();
    }

    /** Starts the call; the future succeeds with the first chunk, or fails before it (so fallback is still possible). */
    public static Future<ChunkStream> open(UpstreamHttp http, RequestOptions options, Buffer body, String provider, Protocol protocol) {
        ChunkRelay relay = new ChunkRelay();
        long idleMs = options.getIdleTimeout(); // read first: the request takes it off the options for the head's wait
        http.request(options).onComplete(ar -> {
            if (ar.failed()) {
                relay.fail(Failures.transport(provider, ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            Flow flow = new Flow(req);
            relay.upstream(flow);
            req.send(body).onComplete(r -> {
                if (r.failed()) {
                    relay.fail(Failures.transport(provider, r.cause()));
                    return;
                }
                HttpClientResponse resp = r.result();
                flow.response = resp;
                if (relay.cancelled()) {
                    req.reset();
                    return;
                }
                String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
                if (resp.statusCode() != 200 || !protocol.isStream(type)) {
                    resp.body().onComplete(b -> relay.fail(b.failed() ? Failures.transport(provider, b.cause())
                            : protocol.notAStream(resp.statusCode(), resp.headers(), type, b.result())));
                    return;
                }
                // the request's idle timeout only guards the wait for the response head; the watch covers the body
                IdleWatch idle = idleMs <= 0 ? null : IdleWatch.start(Vertx.currentContext().owner(), idleMs, () -> {
                    relay.fail(Failures.stalled(provider, idleMs));
                    req.reset();
                });
                flow.idle = idle;
                resp.handler(bytes -> {
                    if (idle != null) idle.touch();
                    if (flow.failed) return;
                    try {
                        protocol.feed(bytes, relay::emit);
                        relay.usage(protocol.usage());
                    } catch (UpstreamFailure f) {
                        flow.failed = true;
                        if (idle != null) idle.stop();
                        relay.usage(protocol.usage());
                        relay.fail(f);
                        req.reset();
                    }
                });
                resp.exceptionHandler(t -> {
                    if (idle != null) idle.stop();
                    relay.fail(Failures.transport(provider, t));
                });
                resp.endHandler(v -> {
                    if (idle != null) idle.stop();
                    if (flow.failed) return;
                    try {
                        List<String> rest = protocol.end();
                        relay.usage(protocol.usage());
                        rest.forEach(relay::emit);
                        relay.end();
                    } catch (UpstreamFailure f) {
                        relay.usage(protocol.usage());
                        relay.fail(f);
                    }
                });
            });
        });
        return relay.ready();
    }

    /** Pause, resume and cancel of one upstream exchange. */
    private static final class Flow implements ChunkRelay.Upstream {
        private final HttpClientRequest request;
        HttpClientResponse response;
        boolean failed;
        IdleWatch idle;

        Flow(HttpClientRequest request) { this.request = request; }

        /** While the gateway holds the upstream paused for a slow client, its silence is no stall. */
        @Override public void pause() {
            if (idle != null) idle.hold(true);
            if (response != null) response.pause();
        }
        @Override public void resume() {
            if (idle != null) idle.hold(false);
            if (response != null) response.resume();
        }
        @Override public void cancel() {
            if (idle != null) idle.stop();
            request.reset();
        }
    }
}
