package dev.frugal.routing;

import java.util.List;

/** The ordered attempts for one request, with a short reason for the order (for explain). */
public record Plan(List<Attempt> attempts, String reason) {}
