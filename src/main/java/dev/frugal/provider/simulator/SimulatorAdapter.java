package dev.frugal.provider.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderConfig.SimulatorSettings;
import dev.frugal.core.Ids;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkRelay;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.CompletionsCapable;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * A protocol-faithful fake backend: answers chat and text completions in OpenAI's format, plain
 * or streamed, with configurable latency, time to first token, speed and failure rate. Timers
 * run on the event loop; nothing blocks. It is never presented as a model
 * ({@code owned_by: "simulator"}).
 */
final class SimulatorAdapter implements ChatCapable, CompletionsCapable {
    private final ProviderConfig config;
    private final SimulatorSettings s;
    private final Vertx vertx;
    private final RandomGenerator random;
    private final Clock clock;

    /** @param clock the {@code created} time of answers */
    SimulatorAdapter(ProviderConfig config, Vertx vertx, RandomGenerator random, Clock clock) {
        this.config = config;
        this.s = config.simulator();
        this.vertx = vertx;
        this.random = random;
        this.clock = clock;
    }

    @Override public Future<Completion> chat(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> chatStream(GenerationCall call) { return stream(call); }

    @Override public Future<Completion> complete(GenerationCall call) { return whole(call); }

    @Override public Future<ChunkStream> completeStream(GenerationCall call) { return stream(call); }

    private Future<Completion> whole(GenerationCall call) {
        boolean chat = call.operation() == Operation.CHAT;
        SimulatedAnswer answer = SimulatedAnswer.of(call.body(), chat, maxTokens(call.body()));
        long genMillis = (long) (answer.tokens().size() * 1000 / s.tokensPerSecond());
        Promise<Completion> p = Promise.promise();
        after(s.latency().toMillis() + s.timeToFirstToken().toMillis() + genMillis, () -> {
            UpstreamFailure f = maybeFail();
            if (f != null) { p.fail(f); return; }
            String id = Ids.random(chat ? "chatcmpl-sim" : "cmpl-sim", 20);
            ObjectNode r = Json.object().put("id", id).put("object", chat ? "chat.completion" : "text_completion")
                    .put("created", nowSeconds()).put("model", call.deployment().upstreamModel());
            ObjectNode choice = r.putArray("choices").addObject().put("index", 0);
            String text = String.join("", answer.tokens());
            if (chat) {
                ObjectNode msg = choice.putObject("message").put("role", "assistant");
                if (answer.isToolCall()) {
                    msg.putNull("content");
                    msg.putArray("tool_calls").addObject().put("id", Ids.random("call_", 24)).put("type", "function")
                            .putObject("function").put("name", answer.toolName()).put("arguments", answer.toolArguments());
                } else msg.put("content", text);
                msg.putNull("refusal");
                choice.putNull("logprobs");
            } else {
                choice.put("text", text).putNull("logprobs");
            }
            choice.put("finish_reason", finishReason(answer, call.body()));
            Usage usage = usage(answer);
            writeUsage(r, usage);
            p.complete(new Completion(Json.writeBuffer(r), usage));
        });
        return p.future();
    }

    private Future<ChunkStream> stream(GenerationCall call) {
        boolean chat = call.operation() == Operation.CHAT;
        SimulatedAnswer answer = SimulatedAnswer.of(call.body(), chat, maxTokens(call.body()));
        ChunkRelay relay = new ChunkRelay();
        StreamState st = new StreamState(relay, answer, call, chat);
        relay.upstream(st);
        after(s.latency().toMillis(), () -> {
            UpstreamFailure f = maybeFail();
            if (f != null && !s.failMidStream()) { relay.fail(f); return; }
            st.failure = f;
            if (chat) {
                ObjectNode c = st.chunk();
                ObjectNode delta = ((ObjectNode) c.withArray("choices").get(0)).putObject("delta").put("role", "assistant");
                if (answer.isToolCall()) delta.putNull("content"); else delta.put("content", "");
                relay.emit(Json.write(c));
            }
            st.timer = vertx.setTimer(Math.max(1, s.timeToFirstToken().toMillis()), id -> st.tick());
        });
        return relay.ready();
    }

    /** Emission state of one simulated stream; lives on one event loop, not thread-safe. */
    private final class StreamState implements ChunkRelay.Upstream {
        final ChunkRelay relay;
        final SimulatedAnswer answer;
        final GenerationCall call;
        final boolean chat;
        final String id;
        final long created = nowSeconds();
        final long tickMillis;
        final int perTick;
        int next;
        boolean paused;
        boolean done;
        boolean stalled; // a tick came while paused
        long timer = -1;
        UpstreamFailure failure; // set when this stream is to fail half-way

        StreamState(ChunkRelay relay, SimulatedAnswer answer, GenerationCall call, boolean chat) {
            this.relay = relay;
            this.answer = answer;
            this.call = call;
            this.chat = chat;
            this.id = Ids.random(chat ? "chatcmpl-sim" : "cmpl-sim", 20);
            double perMs = s.tokensPerSecond() / 1000.0;
            this.tickMillis = Math.max(10, (long) Math.ceil(1 / perMs));
            this.perTick = Math.max(1, (int) Math.round(perMs * tickMillis));
        }

        ObjectNode chunk() {
            ObjectNode c = Json.object().put("id", id).put("object", call.operation().chunkObject()).put("created", created)
                    .put("model", call.deployment().upstreamModel());
            ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
            if (!chat) choice.put("text", "");
            choice.putNull("logprobs").putNull("finish_reason");
            return c;
        }

        void tick() {
            timer = -1;
            if (done || relay.cancelled()) return;
            if (paused) { // resume() re-arms the timer
                stalled = true;
                return;
            }
            if (answer.isToolCall()) emitToolCall();
            else {
                for (int i = 0; i < perTick && next < answer.tokens().size(); i++, next++) {
                    if (failure != null && next >= answer.tokens().size() / 2) {
                        done = true;
                        relay.usage(new Usage(answer.promptTokens(), next, 0, 0));
                        relay.fail(failure);
                        return;
                    }
                    ObjectNode c = chunk();
                    ObjectNode choice = (ObjectNode) c.withArray("choices").get(0);
                    if (chat) choice.putObject("delta").put("content", answer.tokens().get(next));
                    else choice.put("text", answer.tokens().get(next));
                    relay.emit(Json.write(c));
                }
            }
            if (next >= answer.tokens().size() || answer.isToolCall()) finish();
            else timer = vertx.setTimer(tickMillis, t -> tick());
        }

        private void emitToolCall() {
            String args = answer.toolArguments();
            int third = Math.max(1, args.length() / 3);
            for (int i = 0, from = 0; from < args.length() || i == 0; i++) {
                ObjectNode c = chunk();
                ArrayNode calls = ((ObjectNode) c.withArray("choices").get(0)).putObject("delta").putArray("tool_calls");
                ObjectNode call = calls.addObject().put("index", 0);
                int to = Math.min(args.length(), from + third);
                if (i == 0) {
                    call.put("id", Ids.random("call_", 24)).put("type", "function")
                            .putObject("function").put("name", answer.toolName()).put("arguments", "");
                } else {
                    call.putObject("function").put("arguments", args.substring(from, to));
                    from = to;
                }
                relay.emit(Json.write(c));
            }
        }

        private void finish() {
            done = true;
            ObjectNode c = chunk();
            ObjectNode choice = (ObjectNode) c.withArray("choices").get(0);
            if (chat) choice.putObject("delta");
            choice.put("finish_reason", finishReason(answer, call.body()));
            relay.emit(Json.write(c));
            Usage usage = usage(answer);
            relay.usage(usage);
            if (call.clientWantsUsage()) {
                ObjectNode u = Json.object().put("id", id).put("object", call.operation().chunkObject()).put("created", created)
                        .put("model", call.deployment().upstreamModel());
                u.putArray("choices");
                writeUsage(u, usage);
                relay.emit(Json.write(u));
            }
            relay.end();
        }

        @Override public void pause() { paused = true; }

        @Override public void resume() {
            if (!paused) return;
            paused = false;
            if (stalled && !done) {
                stalled = false;
                timer = vertx.setTimer(1, t -> tick());
            }
        }

        @Override public void cancel() {
            done = true;
            if (timer >= 0) vertx.cancelTimer(timer);
        }
    }

    private Usage usage(SimulatedAnswer a) {
        long completion = a.isToolCall() ? Math.max(1, (a.toolArguments().length() + 3) / 4 + 5) : a.tokens().size();
        return new Usage(a.promptTokens(), completion, 0, 0);
    }

    private static void writeUsage(ObjectNode target, Usage u) {
        ObjectNode n = target.putObject("usage").put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens()).put("total_tokens", u.totalTokens());
        n.putObject("prompt_tokens_details").put("cached_tokens", 0);
        n.putObject("completion_tokens_details").put("reasoning_tokens", 0);
    }

    private String finishReason(SimulatedAnswer a, JsonNode body) {
        if (a.isToolCall()) return "tool_calls";
        return a.tokens().size() >= s.outputTokens() || a.tokens().size() < maxTokensRequested(body) ? "stop" : "length";
    }

    private int maxTokens(JsonNode body) {
        return (int) Math.min(s.outputTokens(), maxTokensRequested(body));
    }

    private static long maxTokensRequested(JsonNode body) {
        JsonNode m = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        return m != null && m.canConvertToLong() && m.asLong() > 0 ? m.asLong() : Long.MAX_VALUE;
    }

    private UpstreamFailure maybeFail() {
        if (s.failureRate() <= 0 || random.nextDouble() >= s.failureRate()) return null;
        int status = s.failureStatus();
        UpstreamFailure.Kind kind = UpstreamFailure.Kind.forStatus(status);
        return new UpstreamFailure(kind, status, "Simulated failure (HTTP " + status + ") from simulator '" + config.name() + "'.",
                null, status == 429 ? 1 : -1);
    }

    private void after(long millis, Runnable r) {
        if (millis <= 0) r.run();
        else vertx.setTimer(millis, id -> r.run());
    }

    private long nowSeconds() { return clock.instant().getEpochSecond(); }
}
