package dev.frugal.routing;

import dev.frugal.core.GatewayError;

import java.util.ArrayList;
import java.util.List;

/**
 * One request's candidates after the filters and before the order: the deployments kept, grouped by
 * candidate model in the configured order, and those dropped, with why. Built by
 * {@link RoutePlanner#shortlist}; a {@link Scorer} may score its {@link #models()}; then
 * {@link RoutePlanner#plan(Shortlist, double[], java.util.random.RandomGenerator)} orders it into a
 * {@link Plan}. Immutable.
 */
public final class Shortlist {
    /**
     * A candidate model: its kept deployments in configured order, the strategy that orders them (the
     * model's), and its scores: its share of a weighted route, the cheapest of its deployments, the
     * quality predicted for the model, the fastest measured of its deployments.
     */
    record Group(String model, RoutingStrategy strategy, List<Candidate> kept, int weight, long costMicros, double quality,
                 double firstTokenMs) implements Option {
        static Group of(String model, RoutingStrategy strategy, List<Candidate> kept, int weight) {
            long cheapest = kept.get(0).costMicros(); // unpriced or unscored unless a deployment has a price
            double fastest = Double.NaN;
            for (Candidate c : kept) {
                if (c.costMicros() >= 0 && (cheapest < 0 || c.costMicros() < cheapest)) cheapest = c.costMicros();
                if (!Double.isNaN(c.firstTokenMs()) && !(c.firstTokenMs() >= fastest)) fastest = c.firstTokenMs();
            }
            return new Group(model, strategy, kept, weight, cheapest, Double.NaN, fastest);
        }

        Group withQuality(double q) {
            return new Group(model, strategy, kept, weight, costMicros, q, firstTokenMs);
        }
    }

    private final String requested;
    private final String route;
    private final String rule;
    private final RoutingStrategy strategy;
    private final List<Group> groups;
    private final List<Candidate> dropped;
    private final GatewayError refusal;
    private final boolean explained;
    private final RoutingStrategy shadow;

    Shortlist(String requested, String route, String rule, RoutingStrategy strategy, List<Group> groups,
              List<Candidate> dropped, GatewayError refusal, boolean explained) {
        this(requested, route, rule, strategy, groups, dropped, refusal, explained, null);
    }

    Shortlist(String requested, String route, String rule, RoutingStrategy strategy, List<Group> groups,
              List<Candidate> dropped, GatewayError refusal, boolean explained, RoutingStrategy shadow) {
        this.shadow = shadow;
        this.requested = requested;
        this.route = route;
        this.rule = rule;
        this.strategy = strategy;
        this.groups = groups;
        this.dropped = dropped;
        this.refusal = refusal;
        this.explained = explained;
    }

    /** Made to be explained ({@link Ask#explain()}): every score is read, predicted quality too, whatever the strategy reads. */
    public boolean explained() {
        return explained;
    }

    /**
     * A route's candidate models priced as given, without a config snapshot: one deployment each, with no
     * provider, in the order given. For what decides without sending anything (the offline evaluation of
     * learned quality, tests): {@link RoutePlanner#plan(Shortlist, double[], java.util.random.RandomGenerator)}
     * orders it exactly as it orders a live request's shortlist.
     *
     * @param costMicros each model's cost of a nominal request in micro-USD, or {@link RoutePlanner#UNPRICED}
     */
    public static Shortlist offline(String route, RoutingStrategy strategy, List<String> models, long[] costMicros) {
        if (models.size() != costMicros.length) {
            throw new IllegalArgumentException(costMicros.length + " costs for " + models.size() + " models");
        }
        List<Group> groups = new ArrayList<>(models.size());
        for (int i = 0; i < models.size(); i++) {
            Candidate c = Candidate.kept(new Attempt(models.get(i), null, null, route), costMicros[i]);
            groups.add(Group.of(models.get(i), OrderedStrategy.INSTANCE, List.of(c), 1));
        }
        return new Shortlist(route, route, null, strategy, List.copyOf(groups), List.of(), null, false);
    }

    /** The model or route name the client asked for. */
    public String requested() {
        return requested;
    }

    /** The route's name (the one asked for, or a rule's), or null when the request goes to the model it names. */
    public String route() {
        return route;
    }

    /** The name of the rule that chose the route, or null. */
    public String rule() {
        return rule;
    }

    /** What orders the candidate models: the route's objective with its settings, or the model's own strategy. */
    public RoutingStrategy strategy() {
        return strategy;
    }

    /**
     * This shortlist ordered by another strategy (e.g. {@code cheapest} at another {@code min-quality}, to
     * evaluate operating points offline); the candidates and their costs stay as they were scored.
     */
    public Shortlist with(RoutingStrategy other) {
        return new Shortlist(requested, route, rule, other, groups, dropped, refusal, explained, shadow);
    }

    /** The route's shadow policy (its objective and settings over the same candidates), or null. */
    public RoutingStrategy shadow() {
        return shadow;
    }

    /** Whether the decision or its shadow reads predicted quality (or it is explained): the scorer runs then. */
    public boolean readsQuality() {
        return strategy.readsQuality() || explained || shadow != null && shadow.readsQuality();
    }

    /** The candidate models with a deployment kept, in configured order: what a {@link Scorer} scores. */
    public List<String> models() {
        List<String> models = new ArrayList<>(groups.size());
        for (Group g : groups) models.add(g.model());
        return models;
    }

    /** No deployment was kept: {@link #refusal()} says what to answer. */
    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /**
     * When nothing was kept, the error to answer, for the reason of the candidate that got furthest
     * through the filters ({@link DropReason}'s order): 400 when none can serve the operation, lacks a
     * capability or the context window; 403 {@code data_policy}, {@code model_not_allowed} or
     * {@code model_unpriced}; 503 {@code no_backend_available} when every one left is unavailable now.
     * Null while something is kept.
     */
    public GatewayError refusal() {
        return refusal;
    }

    /** The deployments left out, with why, in configured order. */
    public List<Candidate> dropped() {
        return dropped;
    }

    List<Group> groups() {
        return groups;
    }
}
