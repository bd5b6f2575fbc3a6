package dev.frugal.routing;

import dev.frugal.config.DataPolicy;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ModelTraits;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.config.RuleConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.RequestView;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * Decides where a request may go, in two pure steps (docs/routing.md). {@link #shortlist}: the first
 * {@linkplain RuleConfig rule} the request matches may send it to a route; then the deployments of the
 * requested model, or of each of the route's candidate models, each kept or dropped with a
 * {@link DropReason} — for every request: unknown provider, an operation the provider cannot serve, a
 * {@code local-only} data policy (the team's) and no price when the config refuses unpriced deployments; for
 * a route's candidates also: the team's access when a rule chose the route, the route's data policy, the
 * capabilities the request needs, the context window, and the deployment's health now.
 * {@link #plan(Shortlist, double[], RandomGenerator)}: the kept ones ordered by the route's objective, each
 * model's deployments by the model's strategy, into a {@link Plan} and its {@link Decision}. Between the
 * two, a {@link Scorer} may predict quality off the event loop. No I/O; prices, the catalog's traits,
 * the backends' state, scores and randomness come in from the caller ({@link Facts}).
 */
public final class RoutePlanner {
    /** What a price function gives for a deployment with no price: such candidates go last. */
    public static final long UNPRICED = -1;
    /** A candidate's cost when nothing asked for it (the strategy reads no cost, the config accepts unpriced). */
    public static final long UNSCORED = -2;

    // one request's filtering state: not thread-safe, one instance per shortlist
    private final FrugalConfig config;
    private final Ask ask;
    private final Facts facts;
    private final boolean rejectUnpriced;
    private final Strategies strategies;
    private final List<Candidate> dropped = new ArrayList<>(0);
    /** The reason of the dropped candidate that got furthest through the filters, and its detail. */
    private DropReason furthest;
    private String furthestDetail;
    /** Whose {@code local-only} policy applies ("team `t`", "route `r`"), or null. */
    private String localOnly;
    /** The route's shadow policy, or null: it may read costs and speeds the route's objective does not. */
    private RoutingStrategy shadow;

    private RoutePlanner(FrugalConfig config, Ask ask, Facts facts, boolean rejectUnpriced, Strategies strategies) {
        this.config = config;
        this.ask = ask;
        this.facts = facts;
        this.rejectUnpriced = rejectUnpriced;
        this.strategies = strategies;
        if (ask.team().dataPolicy() == DataPolicy.LOCAL_ONLY) localOnly = "team `" + ask.team().name() + "`";
    }

    /**
     * The plan of a request known by its name alone, whose strategies read no predicted quality:
     * {@link #shortlist} with the built-in strategies, then {@link #plan(Shortlist, double[], RandomGenerator)}.
     *
     * @throws GatewayError as {@link #shortlist(FrugalConfig, TeamConfig, String, Predicate, String, ToLongFunction,
     *                      boolean, Strategies)}; when every deployment able to serve has no price and
     *                      {@code rejectUnpriced}, the plan's attempts are empty (the caller answers 403 {@code model_unpriced})
     */
    public static Plan plan(FrugalConfig config, TeamConfig team, String name, Predicate<ProviderConfig> capable,
                            String operation, RandomGenerator random, ToLongFunction<Attempt> price, boolean rejectUnpriced) {
        return plan(shortlist(config, team, name, capable, operation, price, rejectUnpriced, Strategies.BUILT_IN), null, random);
    }

    /**
     * The shortlist of a request known by its name alone (no rule, capability or context window applies).
     *
     * @throws GatewayError 404 when the name is unknown or not the team's (so names do not leak), and
     *                      {@link Shortlist#refusal()} when nothing is kept, unless for want of a price: then
     *                      the shortlist {@linkplain Shortlist#isEmpty() is empty}
     */
    public static Shortlist shortlist(FrugalConfig config, TeamConfig team, String name, Predicate<ProviderConfig> capable,
                                      String operation, ToLongFunction<Attempt> price, boolean rejectUnpriced,
                                      Strategies strategies) {
        Shortlist s = shortlist(config, Ask.of(name, team, operation, capable), Facts.price(price), rejectUnpriced, strategies);
        if (s.isEmpty() && !"model_unpriced".equals(s.refusal().code())) throw s.refusal();
        return s;
    }

    /**
     * The deployments that may serve a request, kept or dropped with why, reading {@code pricing.reject-unpriced}
     * from the config. The team's model list is not checked for the candidates of a route the client named:
     * naming the route is what lets a team use it. A route chosen by a rule grants nothing: its candidates are
     * then those the team may call, unless the team may call the route by name.
     *
     * @throws GatewayError 404 when the name is unknown or not the team's and no rule chose a route; when
     *                      nothing is kept, the shortlist is {@linkplain Shortlist#isEmpty() empty} and its
     *                      {@link Shortlist#refusal()} says what to answer, after the decision is recorded
     */
    public static Shortlist shortlist(FrugalConfig config, Ask ask, Facts facts, Strategies strategies) {
        return shortlist(config, ask, facts, config.pricing().rejectUnpriced(), strategies);
    }

    private static Shortlist shortlist(FrugalConfig config, Ask ask, Facts facts, boolean rejectUnpriced, Strategies strategies) {
        RoutePlanner planner = new RoutePlanner(config, ask, facts, rejectUnpriced, strategies);
        RuleConfig rule = Rules.match(config.rules(), ask);
        RouteConfig ruled = rule == null ? null : config.route(rule.route());
        if (ruled != null) return planner.route(ruled, rule.name(), ask.team().mayUse(ruled.name()));
        String name = ask.name();
        RouteConfig route = config.route(name);
        if (route != null) {
            if (!ask.team().mayUse(name)) throw GatewayError.modelNotFound(name);
            return planner.route(route, null, true);
        }
        ModelConfig model = config.model(name);
        if (model == null || !ask.team().mayUse(name)) throw GatewayError.modelNotFound(name);
        RoutingStrategy strategy = strategies.of(model.strategy());
        Shortlist.Group group = planner.group(model, null, null, 1);
        return new Shortlist(name, null, null, strategy, group == null ? List.of() : List.of(group),
                List.copyOf(planner.dropped), group == null ? planner.refusal(null) : null, ask.explain());
    }

    private Shortlist route(RouteConfig route, String rule, boolean granted) {
        RoutingStrategy strategy = strategies.of(route.objective()).forRoute(route);
        if (route.shadow() != null) shadow = strategies.of(route.shadow().objective()).forRoute(route.asShadow());
        if (localOnly == null && route.dataPolicy() == DataPolicy.LOCAL_ONLY) localOnly = "route `" + route.name() + "`";
        List<Shortlist.Group> groups = new ArrayList<>(route.candidates().size());
        for (String candidate : route.candidates()) {
            ModelConfig model = config.model(candidate);
            if (model == null) {
                drop(new Attempt(candidate, null, null, route.name()), DropReason.UNKNOWN_MODEL, null, UNSCORED);
                continue;
            }
            if (!granted && !ask.team().mayUse(candidate)) {
                drop(new Attempt(candidate, null, null, route.name()), DropReason.TEAM_ACCESS, ask.team().name(), UNSCORED);
                continue;
            }
            Shortlist.Group group = group(model, route.name(), strategy, route.weight(candidate));
            if (group != null) groups.add(group);
        }
        return new Shortlist(ask.name(), route.name(), rule, strategy, List.copyOf(groups), List.copyOf(dropped),
                groups.isEmpty() ? refusal(route.name()) : null, ask.explain(), shadow);
    }

    /**
     * The model's deployments that pass the filters (the others go to {@link #dropped}), or null when none does.
     *
     * @param routeStrategy the route's strategy when the model is a route's candidate (then the route's filters
     *                      apply too), else null
     */
    private Shortlist.Group group(ModelConfig model, String route, RoutingStrategy routeStrategy, int weight) {
        RoutingStrategy strategy = strategies.of(model.strategy());
        boolean routed = routeStrategy != null;
        boolean priced = rejectUnpriced || ask.explain() || strategy.readsCost() || routed && routeStrategy.readsCost()
                || shadow != null && shadow.readsCost();
        boolean timed = routed && (ask.explain() || routeStrategy.readsLatency() || shadow != null && shadow.readsLatency());
        RequestView view = routed ? ask.view() : null; // capabilities and context windows: a route's candidates only
        List<Candidate> kept = new ArrayList<>(model.deployments().size());
        for (ModelConfig.Deployment d : model.deployments()) {
            ProviderConfig p = config.provider(d.provider());
            Attempt a = new Attempt(model.name(), d, p, route);
            if (p == null) {
                drop(a, DropReason.UNKNOWN_PROVIDER, d.provider(), UNSCORED);
                continue;
            }
            if (!ask.capable().test(p)) {
                drop(a, DropReason.UNSUPPORTED_OPERATION, ask.operation(), UNSCORED);
                continue;
            }
            if (localOnly != null && !p.local()) {
                drop(a, DropReason.DATA_POLICY, "local-only (" + localOnly.replace("`", "") + ")", UNSCORED);
                continue;
            }
            if (view != null) {
                ModelTraits traits = facts.traits(a);
                String missing = missingCapability(view, traits);
                if (missing != null) {
                    drop(a, DropReason.CAPABILITY, missing, UNSCORED);
                    continue;
                }
                long need = view.promptTokens() + Math.max(0, view.outputLimit());
                if (traits.contextWindow() > 0 && need > traits.contextWindow()) {
                    drop(a, DropReason.CONTEXT_WINDOW, need + " > " + traits.contextWindow() + " tokens", UNSCORED);
                    continue;
                }
            }
            long cost = priced ? Math.max(UNPRICED, facts.cost(a)) : UNSCORED;
            if (rejectUnpriced && cost == UNPRICED) {
                drop(a, DropReason.UNPRICED, null, UNPRICED);
                continue;
            }
            if (routed) {
                String unavailable = facts.unavailable(a);
                if (unavailable != null) {
                    drop(a, DropReason.UNHEALTHY, unavailable, cost);
                    continue;
                }
            }
            kept.add(Candidate.kept(a, cost, timed ? facts.firstTokenMs(a) : Double.NaN));
        }
        return kept.isEmpty() ? null : Shortlist.Group.of(model.name(), strategy, kept, weight);
    }

    /** What the request needs that the model cannot do ({@code tools}, {@code images}, {@code json_schema}, {@code json_object}), or null. */
    static String missingCapability(RequestView view, ModelTraits traits) {
        if (view.needs(RequestView.Capability.TOOLS) && Boolean.FALSE.equals(traits.tools())) return "tools";
        if (view.needs(RequestView.Capability.IMAGES) && Boolean.FALSE.equals(traits.vision())) return "images";
        if (Boolean.FALSE.equals(traits.json())) {
            if (view.needs(RequestView.Capability.JSON_SCHEMA)) return "json_schema";
            if (view.needs(RequestView.Capability.JSON_MODE)) return "json_object";
        }
        return null;
    }

    private void drop(Attempt a, DropReason reason, String detail, long cost) {
        dropped.add(Candidate.dropped(a, reason, detail, cost));
        if (furthest == null || reason.ordinal() > furthest.ordinal()) {
            furthest = reason;
            furthestDetail = detail;
        }
    }

    /** The error for a request left with nothing, by {@link #furthest}; see {@link Shortlist#refusal()}. */
    private GatewayError refusal(String route) {
        boolean model = route == null;
        String none = model ? "The model `" + ask.name() + "`" : "No model of the route `" + route + "`";
        String every = model ? "the model `" + ask.name() + "`" : "every model of the route `" + route + "`";
        DropReason why = furthest == null ? DropReason.UNSUPPORTED_OPERATION : furthest;
        return switch (why) {
            case UNKNOWN_MODEL, UNKNOWN_PROVIDER, UNSUPPORTED_OPERATION -> GatewayError.unsupported(
                    none + (model ? " does not support " : " supports ") + ask.operation() + ".", "model");
            case TEAM_ACCESS -> new GatewayError(403, "invalid_request_error", "model_not_allowed", "model",
                    none + " is open to your team.");
            case DATA_POLICY -> new GatewayError(403, "invalid_request_error", "data_policy", "model",
                    none + (model ? " has no" : " has a") + " deployment on local hardware, and the data policy of "
                            + localOnly + " is local-only.");
            case CAPABILITY -> new GatewayError(400, "invalid_request_error", "unsupported_capability",
                    capabilityParam(furthestDetail), none + (model ? " does not support " : " supports ") + furthestDetail + ".");
            case CONTEXT_WINDOW -> new GatewayError(400, "invalid_request_error", "context_length_exceeded", "messages",
                    "The request's estimated prompt and output limit (" + contextNeed() + " tokens) exceed the context window of "
                            + every + ".");
            case UNPRICED -> GatewayError.modelUnpriced(ask.name());
            case UNHEALTHY -> new GatewayError(503, "service_unavailable_error", "no_backend_available", null,
                    "All deployments of " + every + " are unavailable (circuit open, cooling down or failing health probes); "
                            + "retry shortly.", 1);
        };
    }

    private long contextNeed() {
        return ask.view().promptTokens() + Math.max(0, ask.view().outputLimit());
    }

    private static String capabilityParam(String capability) {
        return switch (capability) {
            case "tools" -> "tools";
            case "images" -> "messages";
            default -> "response_format";
        };
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
        return new Plan(List.copyOf(attempts), new Decision(s.requested(), s.route(), s.strategy().describe(),
                List.copyOf(candidates), s.rule()), shadow(s, groups, random));
    }

    /** The shadow policy's first choice over the same scored candidates, or null without one. */
    private static Candidate shadow(Shortlist s, List<Shortlist.Group> scored, RandomGenerator random) {
        if (s.shadow() == null || scored.isEmpty()) return null;
        Shortlist.Group first = s.shadow().order(scored, random).get(0);
        Candidate c = first.strategy().order(first.kept(), random).get(0);
        return Double.isNaN(first.quality()) ? c : c.withQuality(first.quality());
    }

    /**
     * Scores a shortlist with {@code scorer} when its strategy reads quality (or it is to be
     * {@linkplain Shortlist#explained() explained}), then orders it: at once when the scores are already
     * there, else on {@code decideOn} (the caller's event loop: the scorer's stage may complete on any
     * thread). With a strategy that reads no quality, the scorer is not called and the plan is ready at once.
     */
    public static <R> CompletionStage<Plan> plan(Shortlist s, R request, Scorer<? super R> scorer, Executor decideOn,
                                                 RandomGenerator random) {
        if (!s.readsQuality() || s.isEmpty()) {
            return CompletableFuture.completedFuture(plan(s, null, random));
        }
        CompletionStage<double[]> scores = scorer.score(request, s.models());
        CompletableFuture<double[]> now = scores.toCompletableFuture();
        if (now.isDone() && !now.isCompletedExceptionally()) return CompletableFuture.completedFuture(plan(s, now.join(), random));
        return scores.thenApplyAsync(quality -> plan(s, quality, random), decideOn);
    }
}
