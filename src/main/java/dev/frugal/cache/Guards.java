package dev.frugal.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap checks that block a semantic hit between two prompts an embedding places close together but
 * that need different answers (docs/cache.md, "Guards"): a differing negation, number, name, unit,
 * date or code identifier (numbers in order, number words as digits), the same words in another order ("from Boston to Chicago" and back), one
 * content word swapped for another in an otherwise identical question ("allow"/"forbid", "spider"/"insect"),
 * or one content word added to it ("reset my router" / "reset my router password"), or a phrase added at its end
 * ("… 6 inches deep" / "… 6 inches deep in pots"), or a question word that asks for something else ("Why" / "When did
 * the Holy Roman Empire fall?"), or a person moved between subject and object ("money my parents gave me" / "money I
 * gave my parents").
 * A guard can only turn a hit into a miss. Pure functions; thread-safe; every pattern compiled once.
 */
public final class Guards {
    private Guards() {}

    /** Why a hit was blocked; {@link #tag()} is the metric's tag. */
    public enum Kind {
        NEGATION, NUMBER, NAME, UNIT, DATE, CODE, ORDER, WORD, ADDED, QUESTION, ROLE;

        public String tag() { return name().toLowerCase(Locale.ROOT); }
    }

    private static final Pattern CODE = Pattern.compile(
            "`[^`]+`|(?<![\\w-])--?[a-z][a-z0-9]*(?:-[a-z0-9]+)*|\\b[A-Za-z_][A-Za-z0-9]*(?:[_.:/-][A-Za-z0-9_]+)+(?:\\(\\))?|\\b[a-z]+[A-Z][A-Za-z0-9]*\\b|\\b\\w+\\(\\)");
    /** Numbers with their sign, decimals and thousands separators; a currency sign or percent is a unit of its own. */
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z])-?\\d+(?:[.,]\\d+)*");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’]*");
    private static final Pattern CANT = Pattern.compile("(?i)\\bcan['’]t\\b"), WONT = Pattern.compile("(?i)\\bwon['’]t\\b"),
            SHANT = Pattern.compile("(?i)\\bshan['’]t\\b"), NT = Pattern.compile("(?i)n['’]t\\b");
    private static final Pattern CAMEL = Pattern.compile("[a-z]+[A-Z][A-Za-z0-9]*"), HYPHENATED = Pattern.compile("[A-Za-z]+(-[A-Za-z]+)+"),
            INITIALS = Pattern.compile("([A-Za-z]\\.)+[A-Za-z]?"), THOUSANDS = Pattern.compile("-?\\d{1,3}(,\\d{3})+(\\.\\d+)?");
    /**
     * Words that frame a question rather than say what it is about (articles, pronouns, auxiliaries and
     * modals, question words, conjunctions, the commonest prepositions, politeness, intensifiers and discourse
     * adverbs): "How do I…" and "How can I…" ask the same, and so do "What is…" and "What exactly is…".
     * Prepositions with an opposite (on/off, in/out, up/down…) are not here, nor adverbs of manner or time
     * ("quickly", "safely", "often"): those say what is asked.
     */
    private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "this", "that", "these", "those", "my", "your",
            "his", "her", "its", "our", "their", "some", "any", "each", "every", "i", "me", "you", "he", "him", "she", "it", "we",
            "us", "they", "them", "myself", "yourself", "itself", "ourselves", "themselves", "i'm", "i've", "i'd", "i'll", "you're",
            "we're", "they're", "do", "does", "did", "be", "is", "are", "was", "were", "been", "being", "am", "have", "has", "had",
            "can", "could", "should", "would", "will", "shall", "may", "might", "must", "what", "how", "why", "where", "when",
            "which", "who", "whom", "whose", "whether", "if", "and", "or", "but", "so", "than", "then", "of", "to", "for", "at",
            "by", "from", "about", "as", "into", "onto", "via", "per", "there", "here",
            "please", "kindly", "just", "really", "very", "actually", "exactly", "basically", "simply", "quite", "also");
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
    private static final String BEFORE = stem("before"), AFTER = stem("after");
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "without", "cannot", "none", "nor", "neither",
            "nobody", "nothing", "nowhere");
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
    private static final Set<String> UNITS = Set.copyOf(List.of(
            "mg", "g", "kg", "gram", "grams", "kilogram", "kilograms", "oz", "ounce", "ounces", "lb", "lbs", "pound", "pounds",
            "ton", "tons", "tonne", "tonnes", "stone", "ns", "µs", "us", "ms", "s", "sec", "secs", "second", "seconds", "min", "mins",
            "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years",
            "b", "kb", "mb", "gb", "tb", "pb", "kib", "mib", "gib", "tib", "byte", "bytes", "bit", "bits", "kbps", "mbps", "gbps",
            "mm", "cm", "m", "km", "meter", "meters", "metre", "metres", "kilometer", "kilometers", "kilometre", "kilometres", "mi",
            "mile", "miles", "in", "inch", "inches", "ft", "foot", "feet", "yd", "yard", "yards", "°c", "°f", "c", "f", "celsius",
            "fahrenheit", "kelvin", "ml", "l", "liter", "liters", "litre", "litres", "gal", "gallon", "gallons", "cup", "cups",
            "tbsp", "tsp", "tablespoon", "tablespoons", "teaspoon", "teaspoons", "pint", "pints", "quart", "quarts", "w", "kw",
            "kwh", "watt", "watts", "kilowatt", "kilowatts", "v", "volt", "volts", "a", "amp", "amps", "mah", "hz", "khz", "mhz",
            "ghz", "%", "percent", "$", "€", "£", "¥", "usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "inr", "cny", "dollar",
            "dollars", "euro", "euros", "pound", "yen", "rupee", "rupees", "mph", "kph", "km/h", "psi", "bar", "calorie", "calories",
            "kcal", "joule", "joules", "acre", "acres", "hectare", "hectares", "sqft", "dpi", "fps", "rpm", "x", "wh"));
    /** Unit words that are common English too: a unit only right after a number ("5 in", "2 a day" is not amps). */
    private static final Set<String> UNIT_AFTER_NUMBER_ONLY = Set.of("in", "a", "s", "m", "c", "f", "b", "h", "v", "w", "us", "x",
            "min", "bar", "stone", "pound");
    private static final Set<String> MONTHS = Set.of("january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
            "nov", "dec");
    private static final Set<String> DAYS = Set.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays",
            "today", "tonight", "yesterday", "tomorrow", "weekend", "weekday", "weekends", "weekdays", "morning", "evening", "afternoon", "night",
            "last", "next", "previous", "ago", "spring", "summer", "autumn", "fall", "winter", "q1", "q2",
            "q3", "q4", "h1", "h2", "daily", "weekly", "monthly", "yearly", "annual", "annually", "quarterly", "hourly");
    private static final List<String> NEGATING_PREFIXES = List.of("un", "in", "im", "il", "ir", "dis", "non", "non-");
    /**
     * Number words read as the numbers they name, so "ten minutes" is "10 minutes" and "four-year" is "4-year"
     * to every guard. Cardinals only ("second", "quarter" and "half" name other things too), and not "one",
     * which is as often a pronoun or the article's stand-in ("one of your stores", "one cup of flour").
     */
    private static final Map<String, String> NUMBER_WORDS = numberWords("zero 0", "two 2", "three 3", "four 4", "five 5",
            "six 6", "seven 7", "eight 8", "nine 9", "ten 10", "eleven 11", "twelve 12", "thirteen 13", "fourteen 14", "fifteen 15",
            "sixteen 16", "seventeen 17", "eighteen 18", "nineteen 19", "twenty 20", "thirty 30", "forty 40", "fifty 50", "sixty 60",
            "seventy 70", "eighty 80", "ninety 90", "hundred 100");
    /** Words never counted as names although they are capitalised mid-sentence. */
    private static final Set<String> NOT_NAMES = Set.of("i", "i'm", "i've", "i'd", "i'll", "ok", "okay");

    /** The first guard that blocks a hit between the prompts {@code a} and {@code b}, or null when none does. */
    public static Kind check(String a, String b) {
        if (a.equals(b)) return null;
        Prompt x = Prompt.of(a), y = Prompt.of(b);
        // "not", "never", "without" may stand for one another; a different count of them may not
        if (x.negations.size() != y.negations.size() || polaritySwap(x.words, y.words)) return Kind.NEGATION;
        // in order of appearance: "3/4 divided by 2/3" is not "2/3 divided by 3/4" (decision 0030)
        if (!x.numbers.equals(y.numbers)) return Kind.NUMBER;
        if (!x.units.equals(y.units)) return Kind.UNIT;
        if (!x.dates.equals(y.dates)) return Kind.DATE;
        if (!x.code.equals(y.code)) return Kind.CODE;
        // one hyphenated compound swapped for another ("flex-grow", "flex-shrink"); a compound said in other words passes
        // here (the word guard reads a compound as one word: "well-known" / "famous" is a one-word swap)
        if (!x.compounds.isEmpty() && !y.compounds.isEmpty() && !x.compounds.equals(y.compounds)) return Kind.CODE;
        if (!x.names.equals(y.names)) return Kind.NAME;
        if (!x.words.equals(y.words) && sorted(x.words).equals(sorted(y.words))) return Kind.ORDER;
        if (halvesSwappedAroundSequence(x.content, y.content)) return Kind.ORDER;
        if (oneWordSwapped(x.content, y.content)) return Kind.WORD;
        if (oneWordAdded(x.content, y.content) || phraseAddedAtTheEnd(x.content, y.content)) return Kind.ADDED;
        // "Why" / "When did the Holy Roman Empire fall?": every other guard sets question words aside (decision 0032)
        if (swapped(questionWords(x.words), questionWords(y.words), QUESTIONS_APART)) return Kind.QUESTION;
        if (personMovedBetweenRoles(x, y)) return Kind.ROLE;
        return null;
    }

    /** What the guards read of one prompt. */
    private record Prompt(List<String> words, List<String> negations, List<String> numbers, List<String> units,
                          List<String> dates, List<String> code, List<String> names, List<String> compounds,
                          List<String> content) {
        static Prompt of(String text) {
            text = numberWordsAsDigits(text);
            List<String> code = new ArrayList<>(), compounds = new ArrayList<>();
            Matcher cm = CODE.matcher(text);
            StringBuilder rest = new StringBuilder();
            while (cm.find()) {
                String c = cm.group();
                if (!c.startsWith("`") && looksLikePlainText(c)) {
                    if (c.indexOf('-') > 0) compounds.add(c.toLowerCase(Locale.ROOT));
                    continue;
                }
                code.add(c.replace("`", ""));
                cm.appendReplacement(rest, " ");
            }
            cm.appendTail(rest);
            String plain = expandContractions(rest.toString());
            List<String> numbers = new ArrayList<>();
            Matcher nm = NUMBER.matcher(plain);
            while (nm.find()) numbers.add(number(nm.group()));
            List<String> units = new ArrayList<>();
            for (char ch : plain.toCharArray()) {
                if (ch == '%' || ch == '$' || ch == '€' || ch == '£' || ch == '¥' || ch == '°') units.add(String.valueOf(ch));
            }
            List<String> words = new ArrayList<>(), negations = new ArrayList<>(), dates = new ArrayList<>(), names = new ArrayList<>(),
                    content = new ArrayList<>();
            Matcher wm = WORD.matcher(plain);
            boolean sentenceStart = true, afterNumber = false, afterContent = false;
            int lastEnd = 0;
            while (wm.find()) {
                String raw = wm.group();
                if (sentenceBreak(plain, lastEnd, wm.start())) sentenceStart = true;
                // a hyphenated compound is one content word: "long-term" is one qualifier added, not two
                boolean compoundPart = afterContent && wm.start() == lastEnd + 1 && plain.charAt(lastEnd) == '-';
                lastEnd = wm.end();
                String w = raw.toLowerCase(Locale.ROOT).replace('’', '\'');
                if (w.endsWith("'s")) w = w.substring(0, w.length() - 2);
                boolean isNumber = Character.isDigit(w.charAt(0));
                String unitPart = isNumber ? w.substring(numberPrefix(w)) : w; // "5kg", "10GB"
                if (!isNumber) {
                    words.add(w);
                    boolean isContent = !FUNCTION_WORDS.contains(w) && !NEGATIONS.contains(w); // negation cues are the negation guard's
                    if (compoundPart) content.set(content.size() - 1, content.get(content.size() - 1) + "-" + stem(w));
                    else if (isContent) content.add(stem(w));
                    afterContent = compoundPart || isContent;
                } else {
                    afterContent = false;
                }
                if (NEGATIONS.contains(w)) negations.add(w);
                if (!unitPart.isEmpty() && UNITS.contains(unitPart) && (isNumber || afterNumber || !UNIT_AFTER_NUMBER_ONLY.contains(unitPart))) {
                    units.add(canonicalUnit(unitPart));
                }
                if (!isNumber && (MONTHS.contains(w) && (!w.equals("may") || Character.isUpperCase(raw.charAt(0))) || DAYS.contains(w))) {
                    dates.add(w);
                }
                if (!isNumber && !sentenceStart && hasUpper(raw) && !NOT_NAMES.contains(w) && !MONTHS.contains(w) && !DAYS.contains(w)) {
                    names.add(w);
                } else if (!isNumber && sentenceStart && raw.length() > 1 && allUpper(raw)) {
                    names.add(w); // an acronym opening a sentence: "EU orders…"
                }
                sentenceStart = false;
                afterNumber = isNumber;
            }
            Collections.sort(units);
            Collections.sort(dates);
            Collections.sort(code);
            Collections.sort(names);
            Collections.sort(negations);
            Collections.sort(compounds);
            return new Prompt(words, negations, numbers, units, dates, code, names, compounds, content);
        }
    }

    /** {@code s} with each number word of {@link #NUMBER_WORDS} (a whole run of letters, any case) as its digits; a plain scan. */
    static String numberWordsAsDigits(String s) {
        StringBuilder out = null;
        int i = 0, copied = 0, n = s.length();
        while (i < n) {
            if (!Character.isLetter(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && Character.isLetter(s.charAt(i))) i++;
            String digits = i - start >= 3 && i - start <= 9 ? NUMBER_WORDS.get(s.substring(start, i).toLowerCase(Locale.ROOT)) : null;
            if (digits == null) continue;
            if (out == null) out = new StringBuilder(n);
            out.append(s, copied, start).append(digits);
            copied = i;
        }
        return out == null ? s : out.append(s, copied, n).toString();
    }

    /** "can't" → "can not", "won't" → "will not", "isn't" → "is not". */
    private static String expandContractions(String s) {
        if (s.indexOf('\'') < 0 && s.indexOf('’') < 0) return s;
        s = CANT.matcher(s).replaceAll("can not");
        s = WONT.matcher(s).replaceAll("will not");
        s = SHANT.matcher(s).replaceAll("shall not");
        return NT.matcher(s).replaceAll(" not");
    }

    /** Whether {@code s[from, to)} ends a sentence or a clause: a full stop, question or exclamation mark, colon, semicolon, new line. */
    private static boolean sentenceBreak(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\n') return true;
        }
        return false;
    }

    /** The length of the digits, dots and commas {@code w} starts with. */
    private static int numberPrefix(String w) {
        int i = 0;
        while (i < w.length() && (Character.isDigit(w.charAt(i)) || w.charAt(i) == '.' || w.charAt(i) == ',')) i++;
        return i;
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
     * A crude stem, so that the forms of one word compare equal ("learn"/"learning", "type"/"typing",
     * "puppy"/"puppies", "dim"/"dimming"): one inflectional ending off, a final e and a doubled final consonant dropped.
     */
    static String stem(String w) {
        int n = w.length();
        String s;
        if (n > 4 && (w.endsWith("ies") || w.endsWith("ied"))) s = w.substring(0, n - 3) + "y";
        else if (n > 5 && w.endsWith("ing")) s = w.substring(0, n - 3);
        else if (n > 4 && w.endsWith("ed") && !w.endsWith("eed")) s = w.substring(0, n - 2);
        else if (n > 4 && w.endsWith("es") && !w.endsWith("ses")) s = w.substring(0, n - 2);
        else if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) s = w.substring(0, n - 1);
        else s = w;
        int m = s.length();
        if (m > 3 && s.charAt(m - 1) == 'e') s = s.substring(0, --m);
        if (m > 3 && s.charAt(m - 1) == s.charAt(m - 2) && !isVowel(s.charAt(m - 1))) s = s.substring(0, m - 1);
        return s;
    }

    private static Set<String> stems(String... words) {
        Set<String> s = new java.util.HashSet<>();
        for (String w : words) s.add(stem(w));
        return Set.copyOf(s);
    }

    private static boolean isVowel(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    }

    /** A dotted or hyphenated token that is ordinary prose: "e.g.", "well-known", "U.S." are not code. */
    private static boolean looksLikePlainText(String token) {
        if (token.endsWith("()") || token.startsWith("-")) return false; // a call, a command-line flag
        if (token.contains("_") || token.contains("::") || token.contains("/")) return false;
        if (CAMEL.matcher(token).matches()) return false; // camelCase
        if (HYPHENATED.matcher(token).matches()) return true; // well-known, two-factor
        if (INITIALS.matcher(token).matches()) return true; // e.g, U.S
        return !hasDigit(token) && !token.contains(".");
    }

    /** A number as a value: "1,000" and "1000" are one number, "3.50" and "3.5" too. */
    private static String number(String s) {
        String t = THOUSANDS.matcher(s).matches() ? s.replace(",", "") : s.replace(',', '.');
        try {
            return new java.math.BigDecimal(t).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return t;
        }
    }

    private static String canonicalUnit(String u) {
        return switch (u) {
            case "grams", "gram" -> "g";
            case "kilogram", "kilograms" -> "kg";
            case "ounce", "ounces" -> "oz";
            case "lbs", "pound", "pounds" -> "lb";
            case "second", "seconds", "sec", "secs" -> "s";
            case "minute", "minutes", "mins" -> "min";
            case "hour", "hours", "hr", "hrs" -> "h";
            case "days" -> "day";
            case "weeks" -> "week";
            case "months" -> "month";
            case "years" -> "year";
            case "bytes" -> "byte";
            case "bits" -> "bit";
            case "meters", "meter", "metre", "metres" -> "m";
            case "kilometer", "kilometers", "kilometre", "kilometres" -> "km";
            case "mile", "miles" -> "mi";
            case "inch", "inches" -> "in";
            case "foot", "feet" -> "ft";
            case "liter", "liters", "litre", "litres" -> "l";
            case "gallon", "gallons" -> "gal";
            case "cups" -> "cup";
            case "percent" -> "%";
            case "dollar", "dollars", "usd" -> "$";
            case "euro", "euros", "eur" -> "€";
            case "celsius" -> "°c";
            case "fahrenheit" -> "°f";
            default -> u;
        };
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
    private static boolean personMovedBetweenRoles(Prompt x, Prompt y) {
        int[] a = pronounRoles(x.words), b = pronounRoles(y.words);
        boolean moved = false;
        for (int subject = 0; subject < a.length; subject += 2) {
            // one more as a subject and one fewer as an object, or the other way round
            if ((a[subject] - b[subject]) * (a[subject + 1] - b[subject + 1]) < 0) moved = true;
        }
        return moved && sorted(x.content).equals(sorted(y.content));
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

    /** Each "word digits" pair as a map. */
    private static Map<String, String> numberWords(String... pairs) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String p : pairs) m.put(p.substring(0, p.indexOf(' ')), p.substring(p.indexOf(' ') + 1));
        return Map.copyOf(m);
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

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isDigit(s.charAt(i))) return true;
        return false;
    }

    private static boolean hasUpper(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isUpperCase(s.charAt(i))) return true;
        return false;
    }

    private static boolean allUpper(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isLetter(s.charAt(i)) && !Character.isUpperCase(s.charAt(i))) return false;
        return true;
    }

    private static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        Collections.sort(c);
        return c;
    }
}
