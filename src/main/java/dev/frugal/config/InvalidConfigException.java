package dev.frugal.config;

import java.util.List;

/** The config file has problems; each entry names the full path of a bad field. */
public final class InvalidConfigException extends RuntimeException {
    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }
}
