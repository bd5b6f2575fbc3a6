package dev.frugal.routing;

import java.util.ArrayList;
import java.util.List;

/** Plans for tests of what executes them: the attempts as given, each kept, in order. */
public final class Plans {
    private Plans() {}

    public static Plan of(Attempt... attempts) {
        List<Candidate> kept = new ArrayList<>(attempts.length);
        for (Attempt a : attempts) kept.add(Candidate.kept(a, RoutePlanner.UNSCORED));
        return new Plan(List.of(attempts), new Decision(attempts[0].model(), null, "ordered", List.copyOf(kept)));
    }
}
