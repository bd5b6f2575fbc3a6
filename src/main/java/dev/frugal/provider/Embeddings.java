package dev.frugal.provider;

import dev.frugal.core.Usage;

import java.util.List;

/** Embedding vectors in input order, with the tokens the backend counted. */
public record Embeddings(List<float[]> vectors, Usage usage) {}
