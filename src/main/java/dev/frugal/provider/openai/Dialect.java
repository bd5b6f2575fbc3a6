package dev.frugal.provider.openai;

import java.util.Map;

/**
 * Known quirks of an OpenAI-compatible server family (provider-protocols.md §8).
 *
 * @param streamUsage       the server honours {@code stream_options.include_usage}; when true we always ask for it
 * @param sendStreamOptions the server accepts a {@code stream_options} object at all
 * @param developerAsSystem rewrite the {@code developer} role to {@code system}
 * @param legacyMaxTokens   send {@code max_tokens} instead of {@code max_completion_tokens}
 */
record Dialect(String name, boolean streamUsage, boolean sendStreamOptions, boolean developerAsSystem,
               boolean legacyMaxTokens) {

    private static final Map<String, Dialect> PRESETS = Map.of(
            "openai", new Dialect("openai", true, true, false, false),
            "deepseek", new Dialect("deepseek", true, true, true, true),
            "vllm", new Dialect("vllm", true, true, false, false),
            "llamacpp", new Dialect("llamacpp", true, true, true, true),
            "lmstudio", new Dialect("lmstudio", true, true, true, true),
            "ollama", new Dialect("ollama", true, true, true, true),
            "groq", new Dialect("groq", true, true, false, false),
            // Mistral reports usage on its last chunk unasked and rejects unknown fields.
            "mistral", new Dialect("mistral", false, false, true, true),
            "together", new Dialect("together", true, true, true, false));

    static Dialect of(String name) {
        return PRESETS.getOrDefault(name == null ? "openai" : name, PRESETS.get("openai"));
    }
}
