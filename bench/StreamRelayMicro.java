package dev.frugal.provider.openaiwire; // the mapper is package-private: compiled into its package by bench/stream-relay.sh

import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.provider.Operation;
import dev.frugal.wire.SseDecoder;
import io.vertx.core.buffer.Buffer;

/**
 * The gateway's own work on one stream of the benchmark's upstream (bench/sse-upstream.js: a role chunk, 20 content
 * chunks, a finish chunk, a usage chunk, [DONE]) as one read: the SSE decoder and the OpenAI stream mapper, with the
 * end check. Prints nanoseconds a stream per round after four rounds of warm-up. Run by bench/stream-relay.sh.
 */
public class StreamRelayMicro {
    static String chunk(String choices, String usage) {
        return "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"upstream-model\",\"choices\":" + choices
                + (usage == null ? "" : ",\"usage\":" + usage) + "}\n\n";
    }
    public static void main(String[] a) {
        StringBuilder sb = new StringBuilder();
        sb.append(chunk("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]", null));
        for (int i = 0; i < 20; i++) sb.append(chunk("[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"},\"finish_reason\":null}]", null));
        sb.append(chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]", null));
        sb.append(chunk("[]", "{\"prompt_tokens\":12,\"completion_tokens\":20,\"total_tokens\":32}"));
        sb.append("data: [DONE]\n\n");
        Buffer stream = Buffer.buffer(sb.toString());
        long sink = 0;
        for (int round = 0; round < 4 + Integer.getInteger("rounds", 8); round++) {
            int n = Integer.getInteger("streams", 200_000);
            long t0 = System.nanoTime();
            for (int k = 0; k < n; k++) {
                OpenAiStreamMapper m = new OpenAiStreamMapper("p", null, Operation.CHAT, true, Reasoning.SPLIT, false, 1);
                long[] count = {0};
                SseDecoder d = new SseDecoder((e, data) -> {
                    if (m.map(e, data) instanceof OpenAiStreamMapper.Forward f) count[0] += f.json().length();
                });
                d.feed(stream);
                m.atEnd(d.hasIncompleteEvent());
                sink += count[0];
            }
            long t1 = System.nanoTime();
            if (round >= 4) System.out.printf("round %d: %.0f ns/stream%n", round, (t1 - t0) / (double) n);
        }
        System.out.println(sink);
    }
}
