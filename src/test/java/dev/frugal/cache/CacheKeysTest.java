package dev.frugal.cache;

import dev.frugal.config.CachePolicy.Scope;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys per scope, and purge patterns that match exactly what they name, however names are spelled. */
@Tag("unit")
class CacheKeysTest {
    private static final String H = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void theScopeDecidesWhoSharesAnAnswer() {
        assertEquals("research:gpt-4o;-;" + H, CacheKeys.key(Scope.TEAM, "research", "key_1", "gpt-4o", H));
        assertEquals("research:gpt-4o;key_1;" + H, CacheKeys.key(Scope.KEY, "research", "key_1", "gpt-4o", H));
        assertEquals("-:gpt-4o;-;" + H, CacheKeys.key(Scope.GLOBAL, "research", "key_1", "gpt-4o", H));
        assertNotEquals(CacheKeys.key(Scope.TEAM, "research", "k", "m", H), CacheKeys.key(Scope.TEAM, "legal", "k", "m", H),
                "the same request from two teams");
        assertNotEquals(CacheKeys.key(Scope.KEY, "t", "key_1", "m", H), CacheKeys.key(Scope.KEY, "t", "key_2", "m", H),
                "two keys of one team, scope key");
        assertEquals(CacheKeys.key(Scope.TEAM, "t", "key_1", "m", H), CacheKeys.key(Scope.TEAM, "t", "key_2", "m", H),
                "two keys of one team, scope team");
        assertEquals(CacheKeys.key(Scope.GLOBAL, "a", "k", "m", H), CacheKeys.key(Scope.GLOBAL, "b", "k", "m", H),
                "global: shared on purpose");
    }

    @Test
    void namesAreEscapedSoThatSeparatorsAndGlobCharactersNeverAppear() {
        assertEquals("llama3.2%3alatest", CacheKeys.tag("llama3.2:latest"));
        assertEquals("a%3bb%2a%3f%5b%5d%7b%7d%25", CacheKeys.tag("a;b*?[]{}%"));
        assertEquals("caf%c3%a9", CacheKeys.tag("café"));
        assertEquals("team.one_2/x@y-z", CacheKeys.tag("team.one_2/x@y-z"));
        assertNotEquals(CacheKeys.key(Scope.TEAM, "a:b", "k", "c", H), CacheKeys.key(Scope.TEAM, "a", "k", "b:c", H));
    }

    @Test
    void aPurgePatternMatchesItsTeamAndModelOnly() {
        List<String> keys = List.of(
                CacheKeys.key(Scope.TEAM, "a", "k", "m", H),          // 0: a, m
                CacheKeys.key(Scope.KEY, "a", "key_m", "x", H),       // 1: a, x (a key id that looks like a model)
                CacheKeys.key(Scope.TEAM, "a:b", "k", "m", H),        // 2: team a:b, m
                CacheKeys.key(Scope.TEAM, "b", "k", "a", H),          // 3: b, model a
                CacheKeys.key(Scope.GLOBAL, "a", "k", "m", H),        // 4: global, m
                CacheKeys.key(Scope.TEAM, "b", "k", "m:a", H));       // 5: b, model m:a
        assertEquals(List.of(0, 1), matching(CacheKeys.pattern("a", null), keys));
        assertEquals(List.of(0, 2, 4), matching(CacheKeys.pattern(null, "m"), keys));
        assertEquals(List.of(0), matching(CacheKeys.pattern("a", "m"), keys));
        assertEquals(List.of(1), matching(CacheKeys.pattern(null, "x"), keys));
        assertEquals(List.of(0, 1, 2, 3, 4, 5), matching(CacheKeys.pattern(null, null), keys));
        assertFalse(Pattern.matches(glob(CacheKeys.pattern(null, "key_m")), keys.get(1)), "a key id is not a model");
        assertTrue(Pattern.matches(glob(CacheKeys.pattern("a:b", "m")), keys.get(2)));
    }

    private static List<Integer> matching(String pattern, List<String> keys) {
        Pattern p = Pattern.compile(glob(pattern));
        return java.util.stream.IntStream.range(0, keys.size()).filter(i -> p.matcher(keys.get(i)).matches()).boxed().toList();
    }

    /** Redis's glob as a regex: the patterns here use only '*'. */
    private static String glob(String pattern) {
        StringBuilder sb = new StringBuilder();
        for (char c : pattern.toCharArray()) sb.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        return sb.toString();
    }
}
