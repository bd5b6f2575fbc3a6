package dev.frugal.routing;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * Decides where a request may go, in two pure steps. {@link #shortlist}: the deployments of the
 * requested model, or of each of a route's candidate models, each kept or dropped with a
 * {@link DropReason} (unknown model or provider, an operation the provider cannot serve, no price when
 * the config refuses unpriced deployments). {@link #plan(Shortlist, double[], RandomGenerator)}: the kept
 * ones ordered by the route's objective, each model's deployments by the model's strategy, into a
 * {@link Plan} and its {@link Decision}. Between the two, a {@link Scorer} may predict quality off the
 * event loop. No I/O; prices, scores and randomness come in from the caller.
 */
public final class RoutePlanner {
    /** What a price function gives for a deployment with no price: such candidates go last. */
    public static final long UNPRICED = -1;
    /** A candidate's cost when nothing asked for it (the strategy reads no cost, the config accepts unpriced). */
    public static final long UNSCORED = -2;

    // one request's filtering state: not thread-safe, one instance per shortlist
    private final FrugalConfig config;
    private final Predicate<ProviderConfig> capable;
    private final String operation;
    private final ToLongFunction<Attempt> price;
    private final boolean rejectUnpriced;
    private final Strategies strategies;
    private final List<Candidate> dropped = new ArrayList<>(0);
    private boolean droppedUnpriced;

    private RoutePlanner(FrugalConfig config, Predicate<ProviderConfig> capable, String operation,
                         ToLongFunction<Attempt> price, boolean rejectUnpriced, Strategies strategies) {
        this.config = config;
        this.capable = capable;
        this.operation = operation;
        this.price = price;
        this.rejectUnpriced = rejectUnpriced;
        this.strategies = strategies;
    }

    /**
     * The plan of a request whose strategies read no predicted quality: {@link #shortlist} with the
     * built-in strategies, then {@link #plan(Shortlist, double[], RandomGenerator)}.
     */
    public static Plan plan(FrugalConfig config, TeamConfig team, String name, Predicate<ProviderConfig> capable,
                            String operation, RandomGenerator random, ToLongFunction<Attempt> price, boolean rejectUnpriced) {
        return plan(shortlist(config, team, name, capable, operation, price, rejectUnpriced, Strategies.BUILT_IN), null, random);
    }

    /**
     * The deployments that may serve a request, kept or dropped with why. The team's model list is not
     * checked for a route's candidates: naming the route is what lets a team use it.
     *
     * @param name           the model or route the client asked for
     * @param capable        which providers can serve the operation at hand
     * @param operation      the operation, for messages ({@code chat completions}, {@code embeddings})
     * @param price          the cost of a nominal request on an attempt's deployment in micro-USD, or
     *                       {@link #UNPRICED}; called only when a strategy reads cost or {@code rejectUnpriced}
     * @param rejectUnpriced drop deployments with no price ({@code pricing.reject-unpriced})
     * @throws GatewayError 404 when the name is unknown or not the team's (so names do not leak), 400 when
     *                      no deployment can serve the operation. When every one that can has no price and
     *                      {@code rejectUnpriced}, the shortlist {@linkplain Shortlist#isEmpty() is empty}
     */
    public static Shortlist shortlist(FrugalConfig config, TeamConfig team, String name, Predicate<ProviderConfig> capable,
                                      String operation, ToLongFunction<Attempt> price, boolean rejectUnpriced,
                                      Strategies strategies) {
        RoutePlanner planner = new RoutePlanner(config, capable, operation, price, rejectUnpriced, strategies);
        RouteConfig route = config.route(name);
        if (route != null) {
            if (!team.mayUse(name)) throw GatewayError.modelNotFound(name);
            return planner.route(route);
        }
        ModelConfig model = config.model(name);
        if (model == null || !team.mayUse(name)) throw GatewayError.modelNotFound(name);
        RoutingStrategy strategy = strategies.of(model.strategy());
        Shortlist.Group group = planner.group(model, null, strategy.readsCost());
        if (group == null && !planner.droppedUnpriced) {
            throw GatewayError.unsupported("The model `" + name + "` does not support " + operation + ".", "model");
        }
        return new Shortlist(name, null, strategy, group == null ? List.of() : List.of(group), List.copyOf(planner.dropped));
    }

    private Shortlist route(RouteConfig route) {
        RoutingStrategy strategy = strategies.of(route.objective());
        List<Shortlist.Group> groups = new ArrayList<>(route.candidates().size());
        for (String candidate : route.candidates()) {
            ModelConfig model = config.model(candidate);
            if (model == null) {
                dropped.add(Candidate.dropped(new Attempt(candidate, null, null, route.name()), DropReason.UNKNOWN_MODEL,
                        null, UNSCORED));
                continue;
            }
            Shortlist.Group group = group(model, route.name(), strategy.readsCost());
            if (group != null) groups.add(group);
        }
        if (groups.isEmpty() && !droppedUnpriced) {
            throw GatewayError.unsupported("No model of the route `" + route.name() + "` supports " + operation + ".", "model");
        }
        return new Shortlist(route.name(), route.name(), strategy, List.copyOf(groups), List.copyOf(dropped));
    }

    /** The model's deployments that pass the filters (the others go to {@link #dropped}), or null when none does. */
    private Shortlist.Group group(ModelConfig model, String route, boolean routeReadsCost) {
        RoutingStrategy strategy = strategies.of(model.strategy());
        boolean priced = rejectUnpriced || routeReadsCost || strategy.readsCost();
        List<Candidate> kept = new ArrayList<>(model.deployments().size());
        for (ModelConfig.Deployment d : model.deployments()) {
            ProviderConfig p = config.provider(d.provider());
            Attempt a = new Attempt(model.name(), d, p, route);
            if (p == null) {
                dropped.add(Candidate.dropped(a, DropReason.UNKNOWN_PROVIDER, d.provider(), UNSCORED));
                continue;
            }
            if (!capable.test(p)) {
                dropped.add(Candidate.dropped(a, DropReason.UNSUPPORTED_OPERATION, operation, UNSCORED));
                continue;
            }
            long cost = priced ? Math.max(UNPRICED, price.applyAsLong(a)) : UNSCORED;
            if (rejectUnpriced && cost == UNPRICED) {
                dropped.add(Candidate.dropped(a, DropReason.UNPRICED, null, UNPRICED));
                droppedUnpriced = true;
                continue;
            }
            kept.add(Candidate.kept(a, cost));
        }
        return kept.isEmpty() ? null : Shortlist.Group.of(model.name(), strategy, kept);
    }

    /**
     * Orders a shortlist into a plan: its candidate models by its strategy, each model's deployments by
     * the model's strategy. Pure; reads only the scores already computed.
     *
     * @param quality the predicted quality of each of {@link Shortlist#models()}, in that order, or null when
     *                nothing predicted it
     */
    public static Plan plan(Shortlist s, double[] quality, RandomGenerator random) {
        List<Shortlist.Group> groups = s.groups();
        if (quality != null) {
            if (quality.length != groups.size()) {
                throw new IllegalArgumentException(quality.length + " scores for " + groups.size() + " candidate models");
            }
            List<Shortlist.Group> scored = new ArrayList<>(groups.size());
            for (int i = 0; i < quality.length; i++) scored.add(groups.get(i).withQuality(quality[i]));
            groups = scored;
        }
        List<Attempt> attempts = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>(s.dropped().size() + groups.size());
        for (Shortlist.Group g : s.strategy().order(groups, random)) {
            for (Candidate c : g.strategy().order(g.kept(), random)) {
                attempts.add(c.attempt());
                candidates.add(Double.isNaN(g.quality()) ? c : c.withQuality(g.quality()));
            }
        }
        candidates.addAll(s.dropped());
        return new Plan(List.copyOf(attempts), new Decision(s.requested(), s.route(), s.strategy().name(),
                List.copyOf(candidates)));
    }

    /**
     * Scores a shortlist with {@code scorer} when its strategy reads quality, then orders it on
     * {@code decideOn} (the caller's event loop: the scorer's stage may complete on any thread). With a
     * strategy that reads no quality, the scorer is not called and the plan is ready at once.
     */
    public static <R> CompletionStage<Plan> plan(Shortlist s, R request, Scorer<? super R> scorer, Executor decideOn,
                                                 RandomGenerator random) {
        if (!s.strategy().readsQuality() || s.isEmpty()) return CompletableFuture.completedFuture(plan(s, null, random));
        return scorer.score(request, s.models()).thenApplyAsync(quality -> plan(s, quality, random), decideOn);
    }
}
