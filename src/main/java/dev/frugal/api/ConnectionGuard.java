package dev.frugal.api;

import dev.frugal.config.ServerSettings;
import dev.frugal.core.ClientAddress;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.core.TimeSource;
import dev.frugal.wire.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Guards the gateway's HTTP/1.x connections below Vert.x, at the Netty level, where a connection is
 * seen from its acceptance on and every request head is seen before any route:
 *
 * <ul>
 *   <li><b>per-address cap</b>: a connection beyond {@code server.max-connections-per-address} from
 *       one client address is closed as it is accepted, before Vert.x sets it up;</li>
 *   <li><b>head deadline</b> ({@code server.head-timeout}): a request head (request line and headers)
 *       must be complete within it — counted from the connection's opening for its first request, from
 *       the head's first byte for a later one — else 408 (OpenAI-shaped) and close; a connection that
 *       sent nothing at all is closed silently;</li>
 *   <li><b>idle keep-alive</b> ({@code server.idle-timeout}): a kept-alive connection with no request in
 *       progress is closed when no next request starts within it. No timer runs while a request is
 *       being answered, so an answer streamed for minutes is never cut;</li>
 *   <li><b>codec errors</b>: a head the HTTP codec rejects (a bare CR, LF or NUL, a malformed line: 400;
 *       headers too large: 431; request line too long: 414) is answered in OpenAI's shape and the
 *       connection closed, instead of Vert.x's empty-bodied answer.</li>
 * </ul>
 *
 * The request body's deadline is kept by {@link SlowClients} at the route level, where the request's
 * own surface answers it. Settings are read from the current config snapshot whenever a timer is
 * armed, so a reload applies to the next one. {@link Acceptor} is shared by the listening channels;
 * one {@link Connection} lives on each connection's event loop and is not thread-safe.
 */
final class ConnectionGuard {
    /** What the guard reports (counted in metrics by {@link SlowClients}). */
    interface Events {
        void refused();

        /** A connection closed by a deadline: {@code head} (with a 408 when one could be sent) or {@code idle}. */
        void timedOut(String phase);

        void malformed(int status);
    }

    static final String ACCEPTOR = "frugal-acceptor";
    static final String RAW = "frugal-connection";
    static final String HTTP = "frugal-http";
    /** Where Vert.x's HTTP/1.x pipeline encodes responses; the guard's HTTP handler sits right after it. */
    private static final String ENCODER = "httpEncoder";
    /**
     * The deadlines' ticker: the machine's, not the gateway's injected one, because the checks run on Netty's
     * scheduler, which keeps real time (a test moving the gateway's clock forward would expire every kept-alive
     * connection of the test client).
     */
    private static final TimeSource TICKER = TimeSource.SYSTEM;

    private final Supplier<ServerSettings> settings;
    private final Events events;
    /** Open connections per client key ({@link ClientAddress}); an entry goes when its last connection closes. */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final Acceptor acceptor = new Acceptor();

    ConnectionGuard(Supplier<ServerSettings> settings, Events events) {
        this.settings = settings;
        this.events = events;
    }

    /** The handler to put first in a listening channel's pipeline. */
    ChannelHandler acceptor() { return acceptor; }

    /** Open connections from {@code address}'s client key. */
    int open(String address) {
        return open.getOrDefault(ClientAddress.key(address), 0);
    }

    /** Counts a new connection of {@code key}; false (and nothing counted) when the cap is reached. */
    private boolean admit(String key, int max) {
        boolean[] admitted = {false};
        open.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (max > 0 && count >= max) return n;
            admitted[0] = true;
            return count + 1;
        });
        return admitted[0];
    }

    private void release(String key) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Sees each accepted connection (the listening channel's messages) before Vert.x configures it. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                ServerSettings s = settings.get();
                String key = ClientAddress.key(child.remoteAddress());
                if (!admit(key, s.maxConnectionsPerAddress())) {
                    events.refused();
                    child.unsafe().closeForcibly(); // not yet registered: what Netty's own acceptor does with a channel it cannot take
                    return;
                }
                child.closeFuture().addListener(f -> release(key));
                child.pipeline().addFirst(RAW, new Connection());
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * One connection's state, first in its pipeline (raw bytes, before TLS), with an {@link Http}
     * partner after the HTTP encoder once Vert.x has set the HTTP/1.x pipeline up.
     */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private Http http;
        /**
         * The pending check of the deadline, or null. Arming and disarming only set the fields below; the check,
         * when it runs, expires the connection or schedules itself again for what is left. So a kept-alive
         * connection schedules about one check a timeout instead of two timers and three cancellations a request
         * (Netty's scheduler: a task, a priority-queue insert and removal each; docs/benchmarks.md, session 15).
         */
        private ScheduledFuture<?> timer;
        /** When the pending check runs ({@link TimeSource#nanoTime}). */
        private long timerAt;
        /** Whether a deadline is armed, when it falls due, and whether it is the head deadline (else the idle one). */
        private boolean armed;
        private long deadline;
        private boolean timerIsHead;
        /** No request head has been completed on this connection yet. */
        private boolean fresh = true;
        /** The previous request (if any) was received whole: the next thing to come is a head. */
        private boolean awaitingHead = true;
        /** A byte of that next head has arrived. */
        private boolean headStarted;
        /** Requests whose head arrived and whose answer is not complete yet. */
        private int inFlight;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            arm(true, settings.get().headTimeout().toNanos()); // a fresh connection's first head is due from its opening
            addHttp();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (awaitingHead && !headStarted && msg instanceof io.netty.buffer.ByteBuf b && b.isReadable()) {
                headStarted = true;
                if (inFlight == 0 && !fresh) arm(true, settings.get().headTimeout().toNanos());
            }
            ctx.fireChannelRead(msg);
            addHttp();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stopTimer();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            stopTimer();
        }

        /** Puts the HTTP-level partner after Vert.x's encoder once it is there (at once, or after a TLS handshake). */
        private void addHttp() {
            if (http != null || ctx.isRemoved() || ctx.pipeline().get(ENCODER) == null) return;
            http = new Http(this);
            ctx.pipeline().addAfter(ENCODER, HTTP, http);
        }

        void headReceived() {
            armed = false;
            fresh = false;
            awaitingHead = false;
            headStarted = false;
            inFlight++;
        }

        void bodyReceived() {
            awaitingHead = true;
            if (inFlight == 0) arm(false, settings.get().idleTimeout().toNanos()); // answered before its body ended
        }

        void answered() {
            if (inFlight > 0) inFlight--;
            if (inFlight == 0 && awaitingHead) {
                ServerSettings s = settings.get();
                if (headStarted) arm(true, s.headTimeout().toNanos());
                else arm(false, s.idleTimeout().toNanos());
            }
        }

        private void arm(boolean head, long nanos) {
            long now = TICKER.nanoTime();
            armed = true;
            timerIsHead = head;
            deadline = now + nanos;
            if (timer != null && timerAt - deadline <= 0) return; // the pending check comes first and looks again
            stopTimer();
            schedule(now, nanos);
        }

        /**
         * Schedules the check in {@code nanos}, or sooner: checks come at least every head or idle timeout, whichever
         * is shorter, so the head deadline a request's first byte arms after an idle one never needs a check sooner
         * than the one pending.
         */
        private void schedule(long now, long nanos) {
            ServerSettings s = settings.get();
            long delay = Math.min(nanos, Math.min(s.headTimeout().toNanos(), s.idleTimeout().toNanos()));
            timerAt = now + delay;
            timer = ctx.executor().schedule(this::check, delay, TimeUnit.NANOSECONDS);
        }

        private void check() {
            timer = null;
            if (!armed) return;
            long now = TICKER.nanoTime();
            long left = deadline - now;
            if (left > 0) {
                schedule(now, left);
                return;
            }
            armed = false;
            expired();
        }

        private void stopTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void expired() {
            if (!ctx.channel().isActive()) return;
            if (!timerIsHead || !headStarted) { // nothing of a request came: nothing to answer
                events.timedOut("idle");
                ctx.close();
                return;
            }
            events.timedOut("head");
            if (http != null && inFlight == 0) {
                http.answerAndClose(GatewayError.requestTimeout("head", settings.get().headTimeout()));
            } else {
                ctx.close();
            }
        }
    }

    /** Sees decoded request heads and ends, and the answers written, of one HTTP/1.x connection. */
    private final class Http extends ChannelDuplexHandler {
        private final Connection connection;
        private ChannelHandlerContext ctx;
        /** A final (non-1xx) answer has begun and not yet ended. */
        private boolean answering;

        Http(Connection connection) { this.connection = connection; }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                if (req.decoderResult().isFailure()) {
                    Throwable cause = req.decoderResult().cause();
                    ReferenceCountUtil.release(msg);
                    int status = cause instanceof TooLongHttpHeaderException ? 431 : cause instanceof TooLongHttpLineException ? 414 : 400;
                    events.malformed(status);
                    if (connection.inFlight == 0) answerAndClose(GatewayError.malformedHttp(status));
                    else ctx.close(); // an answer is still being written: a second one cannot be put in front of it
                    return;
                }
                connection.headReceived();
            }
            if (msg instanceof LastHttpContent) connection.bodyReceived();
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) answering = true;
            if (msg instanceof LastHttpContent && answering) {
                answering = false;
                connection.answered();
            }
            ctx.write(msg, promise);
        }

        /** Writes {@code e} as an OpenAI-shaped answer, asks the client to close, and closes. */
        void answerAndClose(GatewayError e) {
            byte[] body = Json.writeBuffer(Responses.errorBody(e)).getBytes();
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(e.status()),
                    Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(Responses.REQUEST_ID, Ids.random("req_", 24));
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
