package dev.frugal.routing;

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
     * model's), and its scores: the cheapest of its deployments, the quality predicted for the model.
     */
    record Group(String model, RoutingStrategy strategy, List<Candidate> kept, long costMicros, double quality)
            implements Option {
        static Group of(String model, RoutingStrategy strategy, List<Candidate> kept) {
            long cheapest = kept.get(0).costMicros(); // unpriced or unscored unless a deployment has a price
            for (Candidate c : kept) {
                if (c.costMicros() >= 0 && (cheapest < 0 || c.costMicros() < cheapest)) cheapest = c.costMicros();
            }
            return new Group(model, strategy, kept, cheapest, Double.NaN);
        }

        /** Route candidates weigh the same until routes get a traffic split. */
        @Override
        public int weight() {
            return 1;
        }

        Group withQuality(double q) {
            return new Group(model, strategy, kept, costMicros, q);
        }
    }

    private final String requested;
    private final String route;
    private final RoutingStrategy strategy;
    private final List<Group> groups;
    private final List<Candidate> dropped;

    Shortlist(String requested, String route, RoutingStrategy strategy, List<Group> groups, List<Candidate> dropped) {
        this.requested = requested;
        this.route = route;
        this.strategy = strategy;
        this.groups = groups;
        this.dropped = dropped;
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
            groups.add(Group.of(models.get(i), OrderedStrategy.INSTANCE, List.of(c)));
        }
        return new Shortlist(route, route, strategy, List.copyOf(groups), List.of());
    }

    /** The same candidates ordered by another strategy (an objective with other settings, e.g. a {@code min-quality}). */
    public Shortlist withStrategy(RoutingStrategy other) {
        return new Shortlist(requested, route, other, groups, dropped);
    }

    /** The model or route name the client asked for. */
    public String requested() {
        return requested;
    }

    /** The route's name, or null when the client named a model. */
    public String route() {
        return route;
    }

    /** What orders the candidate models: the route's objective, or the model's own strategy. */
    public RoutingStrategy strategy() {
        return strategy;
    }

    /** The candidate models with a deployment kept, in configured order: what a {@link Scorer} scores. */
    public List<String> models() {
        List<String> models = new ArrayList<>(groups.size());
        for (Group g : groups) models.add(g.model());
        return models;
    }

    /** No deployment was kept: every one able to serve the operation had no price, and the config refuses those. */
    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /** The deployments left out, with why, in configured order. */
    public List<Candidate> dropped() {
        return dropped;
    }

    List<Group> groups() {
        return groups;
    }
}
