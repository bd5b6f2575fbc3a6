package dev.frugal.provider;

/** The generation endpoints a backend can serve. */
public enum Operation {
    CHAT("/chat/completions", "chat.completion.chunk"),
    COMPLETIONS("/completions", "text_completion");

    private final String path;
    private final String chunkObject;

    Operation(String path, String chunkObject) {
        this.path = path;
        this.chunkObject = chunkObject;
    }

    /** Path below an OpenAI-compatible base URL. */
    public String path() { return path; }

    /** The {@code object} value of this operation's stream chunks. */
    public String chunkObject() { return chunkObject; }
}
