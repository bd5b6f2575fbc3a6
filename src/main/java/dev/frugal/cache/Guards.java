package dev.frugal.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cheap checks that block a semantic hit between two prompts an embedding places close together but
 * that need different answers (docs/cache.md, "Guards"): a differing negation, number, name, unit,
 * date or code identifier (numbers in order, number words as digits), the same words in another order ("from Boston to Chicago" and back), one
 * content word swapped for another in an otherwise identical question ("allow"/"forbid", "spider"/"insect"),
 * or one content word added to it ("reset my router" / "reset my router password"), or a phrase added at its end
 * ("… 6 inches deep" / "… 6 inches deep in pots"), or a question word that asks for something else ("Why" / "When did
 * the Holy Roman Empire fall?"), or a person moved between subject and object ("money my parents gave me" / "money I
 * gave my parents").
 * A guard can only turn a hit into a miss; what it reads of a prompt is {@link GuardedPrompt}. Pure functions; thread-safe.
 */
public final class Guards {
    private Guards() {}

    /** Why a hit was blocked; {@link #tag()} is the metric's tag. */
    public enum Kind {
        NEGATION, NUMBER, NAME, UNIT, DATE, CODE, ORDER, WORD, ADDED, QUESTION, ROLE;

        public String tag() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * Words by which a user frames the same question: the {@code added} guard does not count one put
     * before the question's first content word (decision 0029). Asking to be told
     * ("Can you explain…", "Tell me…", "I want to know…"), what kind of answer is wanted ("the steps to…",
     * "the process for…", "the reason…", "the purpose of…", "What makes…", "What could be causing…"), or
     * how it is reached ("Where do I go to…", "How do I find…"). A closed list of request verbs and nouns,
     * compared by stem; never a topic word, even one that frames a paraphrase ("Which city is…", "How does
     * it work", "the job of…"): "city tax", "work visa" and "job offer" are qualifiers there.
     */
    private static final Set<String> FRAMING_STEMS = stems("explain", "tell", "describe", "know", "need", "want", "help",
            "possible", "find", "go", "way", "step", "process", "method", "instructions", "tips", "guide", "reason",
            "cause", "make", "purpose", "role", "use", "used", "count");
    private static final String BEFORE = GuardedPrompt.stem("before"), AFTER = GuardedPrompt.stem("after");
    /** Words whose swap for the other of their pair reverses a question: each maps to its pair's name. */
    private static final Map<String, Set<String>> POLARITY = opposites(
            "enable disable", "enabled disabled", "on off", "allow deny", "allowed denied", "include exclude",
            "included excluded", "add remove", "increase decrease", "open closed", "with without", "before after",
            "above below", "more less", "most least", "maximum minimum", "max min", "true false", "yes no",
            "accept reject", "start stop", "upload download", "import export", "encrypt decrypt", "buy sell",
            "higher lower", "faster slower", "larger smaller", "bigger smaller", "longer shorter", "in out",
            "inside outside", "first last", "earlier later", "public private", "input output", "lock unlock",
            "mute unmute", "show hide", "allowing denying", "allows denies", "enabling disabling", "enables disables",
            "including excluding", "includes excludes", "adding removing", "increasing decreasing", "opening closing",
            "accepting rejecting", "starting stopping", "locking unlocking", "showing hiding", "winning losing", "join leave", "push pull", "north south", "east west", "buy rent", "win lose", "pass fail");
    /** The question words that ask for one kind of answer each: a reason, a time, a place, a person, a manner. */
    private static final Map<String, String> QUESTION_WORDS = Map.of("why", "why", "when", "when", "where", "where",
            "who", "who", "whom", "who", "whose", "who", "how", "how");
    /**
     * The question words that never ask the same question (decision 0032): no paraphrase of the labelled set swaps one
     * for the other. "How" is not apart from "where" or "when" ("How do I report a bug?" / "Where can I report a bug?",
     * "How often should I change the oil?" / "When should I get my oil changed?"), and "what" and "which" frame anything
     * ("What causes…" / "Why…", "What is the deadline…" / "When is … due"): they are in no pair.
     */
    private static final Map<String, Set<String>> QUESTIONS_APART = opposites("why when", "why where", "why who", "why how",
            "who when", "who where", "who how", "when where");
    /**
     * Person pronouns read for who does what to whom: a person's subject form at an even index, its object form at the
     * next. "You" and "it" are either, and "her" an object or a possessive: they are not read.
     */
    private static final Map<String, Integer> PRONOUN_ROLES = Map.ofEntries(Map.entry("i", 0), Map.entry("i'm", 0),
            Map.entry("i've", 0), Map.entry("i'd", 0), Map.entry("i'll", 0), Map.entry("me", 1), Map.entry("we", 2),
            Map.entry("we're", 2), Map.entry("us", 3), Map.entry("he", 4), Map.entry("him", 5), Map.entry("she", 6),
            Map.entry("they", 8), Map.entry("they're", 8), Map.entry("them", 9));
    private static final List<String> NEGATING_PREFIXES = List.of("un", "in", "im", "il", "ir", "dis", "non", "non-");
    /** The first guard that blocks a hit between the prompts {@code a} and {@code b}, or null when none does. */
    public static Kind check(String a, String b) {
        return a.equals(b) ? null : check(GuardedPrompt.of(a), GuardedPrompt.of(b));
    }

    /** The same for two prompts already read (the semantic cache reads them once for the guards and the proof). */
    static Kind check(GuardedPrompt x, GuardedPrompt y) {
        // "not", "never", "without" may stand for one another; a different count of them may not
        if (x.negations().size() != y.negations().size() || polaritySwap(x.words(), y.words())) return Kind.NEGATION;
        // in order of appearance: "3/4 divided by 2/3" is not "2/3 divided by 3/4" (decision 0030)
        if (!x.numbers().equals(y.numbers())) return Kind.NUMBER;
        if (!x.units().equals(y.units())) return Kind.UNIT;
        if (!x.dates().equals(y.dates())) return Kind.DATE;
        if (!x.code().equals(y.code())) return Kind.CODE;
        // one hyphenated compound swapped for another ("flex-grow", "flex-shrink"); a compound said in other words passes
        // here (the word guard reads a compound as one word: "well-known" / "famous" is a one-word swap)
        if (!x.compounds().isEmpty() && !y.compounds().isEmpty() && !x.compounds().equals(y.compounds())) return Kind.CODE;
        if (!x.names().equals(y.names())) return Kind.NAME;
        if (!x.words().equals(y.words()) && sorted(x.words()).equals(sorted(y.words()))) return Kind.ORDER;
        if (halvesSwappedAroundSequence(x.content(), y.content())) return Kind.ORDER;
        if (oneWordSwapped(x.content(), y.content())) return Kind.WORD;
        if (oneWordAdded(x.content(), y.content()) || phraseAddedAtTheEnd(x.content(), y.content())) return Kind.ADDED;
        // "Why" / "When did the Holy Roman Empire fall?": every other guard sets question words aside (decision 0032)
        if (swapped(questionWords(x.words()), questionWords(y.words()), QUESTIONS_APART)) return Kind.QUESTION;
        if (personMovedBetweenRoles(x, y)) return Kind.ROLE;
        return null;
    }

    /**
     * The two questions say the same content words in the same order but for one, swapped for a word that is
     * not a form of it: a minimal pair ("Does the lease allow subletting?" / "…forbid subletting?"). A one-word
     * synonym ("fix"/"repair") is blocked as well: lexically it cannot be told from an antonym or a sibling noun.
     */
    private static boolean oneWordSwapped(List<String> a, List<String> b) {
        if (a.size() != b.size()) return false;
        int differing = 0;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i)) && ++differing > 1) return false;
        }
        return differing == 1;
    }

    /**
     * One question's content words are the other's with one word inserted: a qualifier that narrows or
     * widens it ("reset my router" / "reset my router password", "tax" / "sales tax", "symptoms" / "early
     * symptoms"). A framing word put before the first content word is not counted: that is where a
     * paraphrase frames the same question ("explain compound interest", "the steps to reset my router").
     */
    private static boolean oneWordAdded(List<String> a, List<String> b) {
        if (Math.abs(a.size() - b.size()) != 1) return false;
        List<String> shorter = a.size() < b.size() ? a : b, longer = a.size() < b.size() ? b : a;
        int i = 0;
        while (i < shorter.size() && shorter.get(i).equals(longer.get(i))) i++;
        for (int j = i; j < shorter.size(); j++) {
            if (!shorter.get(j).equals(longer.get(j + 1))) return false;
        }
        return i > 0 || !FRAMING_STEMS.contains(longer.get(0));
    }

    /**
     * The same content stems in another order, around "before" or "after": the two halves of a sequence swapped
     * ("pay off debt before investing" / "invest before paying off debt"; decision 0030). Without such a word,
     * content words in another order are mostly rewordings ("the healthiest cooking oil" / "which cooking oil is
     * the healthiest").
     */
    private static boolean halvesSwappedAroundSequence(List<String> a, List<String> b) {
        if (a.equals(b) || !(a.contains(BEFORE) || a.contains(AFTER))) return false;
        return a.size() == b.size() && sorted(a).equals(sorted(b));
    }

    /**
     * One question's content words are the first content words of the other, which adds two or more at the
     * end: a qualifier phrase ("plant tulip bulbs 6 inches deep" / "… in pots", "a good credit score" / "… to
     * buy a house"). One word added anywhere is {@link #oneWordAdded}'s (decision 0030).
     */
    private static boolean phraseAddedAtTheEnd(List<String> a, List<String> b) {
        List<String> shorter = a.size() < b.size() ? a : b, longer = a.size() < b.size() ? b : a;
        if (shorter.isEmpty() || longer.size() - shorter.size() < 2) return false;
        return longer.subList(0, shorter.size()).equals(shorter);
    }

    /**
     * One prompt has a polar word where the other has its opposite (and not both of them), or the same
     * word with a negating prefix ("safe" and "unsafe", "legal" and "illegal").
     */
    private static boolean polaritySwap(List<String> a, List<String> b) {
        Set<String> sa = Set.copyOf(a), sb = Set.copyOf(b);
        for (String w : sa) {
            if (sb.contains(w)) continue;
            for (String prefix : NEGATING_PREFIXES) {
                if (sb.contains(prefix + w) && !sa.contains(prefix + w)) return true;
                if (w.startsWith(prefix) && w.length() > prefix.length() + 2 && sb.contains(w.substring(prefix.length()))
                        && !sa.contains(w.substring(prefix.length()))) return true;
            }
        }
        return swapped(sa, sb, POLARITY);
    }

    /** One set has a word where the other has one of its {@code opposites}, and neither has both. */
    private static boolean swapped(Set<String> a, Set<String> b, Map<String, Set<String>> opposites) {
        for (String w : a) {
            if (b.contains(w)) continue;
            for (String v : opposites.getOrDefault(w, Set.of())) {
                if (b.contains(v) && !a.contains(v)) return true;
            }
        }
        return false;
    }

    /**
     * The same content stems, in any order, and a person moved between subject and object: who does what to whom
     * ("Do I have to pay tax on money my parents gave me?" / "…money I gave my parents?", "Should I call you?" /
     * "Should you call me?"; decision 0032). A pronoun only added or dropped ("Can you explain…", "a resume" / "my
     * resume", "How do you…" / "How do I…") moves nobody, and neither does a reworded question that keeps each
     * person's roles ("… money my parents gave me" / "my parents gave me some money, do I have to pay tax on it").
     * The content condition is what spares "Please tell me how to…" / "How do I…" (4 paraphrases of the labelled set).
     */
    private static boolean personMovedBetweenRoles(GuardedPrompt x, GuardedPrompt y) {
        int[] a = pronounRoles(x.words()), b = pronounRoles(y.words());
        boolean moved = false;
        for (int subject = 0; subject < a.length; subject += 2) {
            // one more as a subject and one fewer as an object, or the other way round
            if ((a[subject] - b[subject]) * (a[subject + 1] - b[subject + 1]) < 0) moved = true;
        }
        return moved && sorted(x.content()).equals(sorted(y.content()));
    }

    /** How often each pronoun form of {@link #PRONOUN_ROLES} occurs among {@code words}. */
    private static int[] pronounRoles(List<String> words) {
        int[] counts = new int[10];
        for (String w : words) {
            Integer i = PRONOUN_ROLES.get(w);
            if (i != null) counts[i]++;
        }
        return counts;
    }

    /**
     * The kinds of answer the prompt's question words ask for ({@link #QUESTION_WORDS}), wherever they stand. A kind
     * only one prompt has is no swap, so a subordinate "when" ("What time is it in New York when it's 9 am in Paris?" /
     * "If it's 9 am in Paris, what time is it in New York?") blocks nothing by itself.
     */
    private static Set<String> questionWords(List<String> words) {
        Set<String> kinds = null;
        for (String w : words) {
            String kind = QUESTION_WORDS.get(w);
            if (kind == null) continue;
            if (kinds == null) kinds = new java.util.HashSet<>(4);
            kinds.add(kind);
        }
        return kinds == null ? Set.of() : kinds;
    }

    /** Each word of the pairs, mapped to its opposites. */
    private static Map<String, Set<String>> opposites(String... pairs) {
        Map<String, Set<String>> m = new java.util.HashMap<>();
        for (String p : pairs) {
            String[] w = p.split(" ");
            m.computeIfAbsent(w[0], k -> new java.util.HashSet<>()).add(w[1]);
            m.computeIfAbsent(w[1], k -> new java.util.HashSet<>()).add(w[0]);
        }
        return Map.copyOf(m);
    }

    private static Set<String> stems(String... words) {
        Set<String> s = new java.util.HashSet<>();
        for (String w : words) s.add(GuardedPrompt.stem(w));
        return Set.copyOf(s);
    }

    private static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        Collections.sort(c);
        return c;
    }
}
