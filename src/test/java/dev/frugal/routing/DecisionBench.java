package dev.frugal.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.RequestView;
import dev.frugal.core.TimeSource;
import dev.frugal.wire.Json;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The routing decision's time per request without the learned scorer (docs/benchmarks.md, "Decision time"):
 * rules, filters (operation, data policy, capabilities, context window, price, health) and the objective over
 * 4, 6 and 10 candidates, each with two deployments, predicted quality from the priors (as {@code
 * pipeline.QualityScorer} gives it, from memory), with and without a shadow policy — the same
 * {@link RoutePlanner} calls as live traffic. Run by {@code bench/decision.sh}; a plain main, no Quarkus.
 */
public final class DecisionBench {
    private DecisionBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        System.out.println("| candidates | objective | shadow | wall median | wall p99 | CPU median | decisions/s (one thread) |");
        System.out.println("|---:|---|---|---:|---:|---:|---:|");
        for (int n : new int[] {4, 6, 10}) {
            for (String objective : new String[] {"ordered", "cheapest, min-quality: 0.7", "best, max-cost-usd: 0.01"}) {
                for (boolean shadow : new boolean[] {false, true}) {
                    FrugalConfig config = config(n, objective, shadow);
                    long[][] t = time(config, n, rounds);
                    double perSecond = 1e9 / Arrays.stream(t[0]).average().orElse(1);
                    System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %,.0f |%n", n, objective.split(",")[0],
                            shadow ? "cheapest" : "—", us(t[0][t[0].length / 2]), us(t[0][t[0].length * 99 / 100]),
                            us(t[1][t[1].length / 2]), perSecond);
                }
            }
        }
    }

    /**
     * n candidates: prices and qualities rising with the index; every third cannot do tools, every fourth has a small
     * context window, one model's second deployment is on a hosted provider (dropped by nothing: the team is not
     * local-only), and three rules that do not match before the route is found.
     */
    static FrugalConfig config(int n, String objective, boolean shadow) {
        StringBuilder y = new StringBuilder("""
                providers:
                  - { name: box, kind: ollama }
                  - { name: gpu, kind: openai, base-url: http://127.0.0.1:9/v1, local: true }
                  - { name: hosted, kind: openai, base-url: http://127.0.0.1:9/v1 }
                models:
                """);
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < n; i++) {
            y.append(String.format(Locale.ROOT, "  - { name: m%d, quality: %.2f, price: { input: %d, output: %d },"
                            + " capabilities: { tools: %s }, context-window: %d,"
                            + " deployments: [{ provider: %s, model: up-%d }, { provider: hosted, model: up-%d-b }] }%n",
                    i, 0.4 + 0.5 * i / n, 1 + i * 2, 2 + i * 6, i % 3 != 0, i % 4 == 3 ? 2048 : 128_000,
                    i % 2 == 0 ? "box" : "gpu", i, i));
            names.append(i == 0 ? "" : ", ").append('m').append(i);
        }
        y.append("routes:\n  - { name: auto, objective: ").append(objective).append(", candidates: [").append(names).append(']');
        if (shadow) y.append(", shadow: { objective: cheapest, min-quality: 0.8 }");
        y.append(" }\nrules:\n");
        y.append("  - { when: { teams: [interns] }, route: auto }\n");
        y.append("  - { when: { header: fast }, route: auto }\n");
        y.append("  - { when: { metadata: { tier: free } }, route: auto }\n");
        y.append("teams:\n  - { name: bench }\n");
        return ConfigCompiler.compile(y.toString(), v -> null);
    }

    /** Sorted wall and thread CPU times of single decisions, after as many warm-up rounds. */
    static long[][] time(FrugalConfig config, int n, int rounds) {
        TeamConfig team = new TeamConfig("bench", Set.of(), Set.of());
        ObjectNode body = Json.object().put("model", "auto").put("max_tokens", 300);
        body.putArray("messages").addObject().put("role", "user").put("content", "Summarise this contract in three bullet points.");
        RequestView view = RequestView.of(RequestView.Kind.CHAT, body, 420, 300);
        Ask ask = new Ask("auto", team, "key_1", null, view, "chat completions", p -> true, false);
        double[] priors = new double[n];
        for (int i = 0; i < n; i++) priors[i] = ((ModelConfig) config.model("m" + i)).traits().quality();
        Facts facts = new Facts() {
            @Override public long cost(Attempt a) {
                return a.deployment().upstreamModel().length() * 1000L + a.model().hashCode() % 97; // a price lookup's worth
            }

            @Override public dev.frugal.config.ModelTraits traits(Attempt a) { return config.model(a.model()).traits(); }

            @Override public String unavailable(Attempt a) { return a.deployment().upstreamModel().equals("up-1-b") ? "circuit_open" : null; }
        };
        SplittableRandom random = new SplittableRandom(1);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < rounds; i++) sink += decide(config, ask, facts, priors, random);
        long[] wall = new long[rounds], used = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long c0 = cpu.getCurrentThreadCpuTime(), t0 = TimeSource.SYSTEM.nanoTime();
            sink += decide(config, ask, facts, priors, random);
            wall[i] = TimeSource.SYSTEM.nanoTime() - t0;
            used[i] = cpu.getCurrentThreadCpuTime() - c0;
        }
        if (sink == 42) System.out.print(""); // keeps the results alive
        Arrays.sort(wall);
        Arrays.sort(used);
        return new long[][] {wall, used};
    }

    /** One decision, as pipeline.Planning makes it: the shortlist, the priors of its models, the plan. */
    private static long decide(FrugalConfig config, Ask ask, Facts facts, double[] priors, SplittableRandom random) {
        Shortlist s = RoutePlanner.shortlist(config, ask, facts, Strategies.BUILT_IN);
        double[] q = null;
        if (s.readsQuality()) {
            q = new double[s.models().size()];
            for (int i = 0; i < q.length; i++) q[i] = priors[Integer.parseInt(s.models().get(i).substring(1))];
        }
        Plan p = RoutePlanner.plan(s, q, random);
        return p.attempts().size() + (p.shadow() == null ? 0 : 1);
    }

    private static String us(long nanos) {
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
}
