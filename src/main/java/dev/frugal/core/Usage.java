package dev.frugal.core;

/** Token usage of one request, in OpenAI's accounting (prompt includes cached, completion includes reasoning). */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public long totalTokens() { return promptTokens + completionTokens; }

    /** This usage and {@code other} together (the steps of a cascade). */
    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                cachedTokens + other.cachedTokens, reasoningTokens + other.reasoningTokens);
    }
}
