package dev.frugal.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The wire protocols Frugal can speak upstream. */
public enum ProviderKind {
    /** Any OpenAI-compatible server (OpenAI, DeepSeek, vLLM, llama.cpp, Groq, Mistral, …). */
    OPENAI("openai"),
    /** Anthropic's Messages API. */
    ANTHROPIC("anthropic"),
    /** Google's Gemini API ({@code generateContent}). */
    GEMINI("gemini"),
    /** Ollama's native API ({@code /api/chat}, NDJSON streams). */
    OLLAMA("ollama"),
    /** Azure OpenAI (deployment in the path and {@code api-version}, or the v1 API). */
    AZURE("azure"),
    /** An open-weight model run inside the gateway process. */
    LOCAL("local"),
    /** The built-in fake backend; never a real model. */
    SIMULATOR("simulator");

    private final String id;

    ProviderKind(String id) { this.id = id; }

    public String id() { return id; }

    /**
     * Whether a provider of this kind runs on the admin's own hardware unless its {@code local} says
     * otherwise: Ollama, the in-process model and the simulator. Any OpenAI-compatible server (vLLM,
     * llama.cpp…) says so itself with {@code local: true}, since the same protocol serves hosted APIs;
     * the hosted kinds (Anthropic, Gemini, Azure) never are (docs/decisions/0012).
     */
    public boolean localByDefault() {
        return this == OLLAMA || this == LOCAL || this == SIMULATOR;
    }

    /** Whether a provider of this kind may be marked {@code local: true}: not the hosted services. */
    public boolean mayBeLocal() {
        return this != ANTHROPIC && this != GEMINI && this != AZURE;
    }

    public static Optional<ProviderKind> of(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    public static String known() {
        return Arrays.stream(values()).map(ProviderKind::id).collect(Collectors.joining(", "));
    }
}
