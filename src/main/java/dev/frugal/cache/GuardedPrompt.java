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
 * What the {@link Guards} read of one prompt: its words, negation cues, numbers (in order of appearance, number
 * words as digits), units, dates, code identifiers, names, hyphenated compounds and content words (function words
 * set aside, each reduced to a crude stem). Pure; every pattern compiled once.
 */
record GuardedPrompt(List<String> words, List<String> negations, List<String> numbers, List<String> units,
                     List<String> dates, List<String> code, List<String> names, List<String> compounds,
                     List<String> content) {
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
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "without", "cannot", "none", "nor", "neither",
            "nobody", "nothing", "nowhere");
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

    /** Reads one prompt as the guards compare it. */
    static GuardedPrompt of(String text) {
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
        return new GuardedPrompt(words, negations, numbers, units, dates, code, names, compounds, content);
    }

    /**
     * How the content words of {@code asked} differ from those of {@code cached}, as one 64-bit hash: the stems it
     * adds and the stems it drops, each set sorted (decision 0033). Equal for two prompts that change the cached
     * one's content words in the same way, whatever their function words, order, case or punctuation; 0 for none.
     */
    static long contentChange(GuardedPrompt cached, GuardedPrompt asked) {
        java.util.TreeSet<String> was = new java.util.TreeSet<>(cached.content), is = new java.util.TreeSet<>(asked.content);
        java.util.TreeSet<String> added = new java.util.TreeSet<>(is), dropped = new java.util.TreeSet<>(was);
        added.removeAll(was);
        dropped.removeAll(is);
        if (added.isEmpty() && dropped.isEmpty()) return 0;
        long h = 0xcbf29ce484222325L; // FNV-1a over "+stem…-stem…"
        for (String w : added) h = fnv(fnv(h, "+"), w);
        for (String w : dropped) h = fnv(fnv(h, "-"), w);
        return h == 0 ? 1 : h;
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
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

    /** Each "word digits" pair as a map. */
    private static Map<String, String> numberWords(String... pairs) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String p : pairs) m.put(p.substring(0, p.indexOf(' ')), p.substring(p.indexOf(' ') + 1));
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
}
