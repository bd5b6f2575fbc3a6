package dev.frugal.routing.quality;

/**
 * What the quality estimator reads of a prompt.
 *
 * @param embedding the prompt's sentence embedding (the in-process MiniLM's 384 dimensions in the gateway);
 *                  the estimator normalises it and never changes the array
 * @param tokens    the prompt's size in tokens (an estimate will do), or 0 when unknown
 */
public record PromptFeatures(float[] embedding, long tokens) {}
