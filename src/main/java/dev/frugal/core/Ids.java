package dev.frugal.core;

import java.util.concurrent.ThreadLocalRandom;

/** Generates ids of the shape OpenAI clients expect ({@code chatcmpl-…}, {@code call_…}). */
public final class Ids {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Ids() {}

    public static String random(String prefix, int length) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(prefix.length() + length).append(prefix);
        for (int i = 0; i < length; i++) sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
        return sb.toString();
    }
}
