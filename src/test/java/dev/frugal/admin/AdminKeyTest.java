package dev.frugal.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin key's strength rule: what stops the start, and what the refusal says (never the key). */
@Tag("unit")
class AdminKeyTest {

    @Test
    void weakAdminKeysStopTheStartNamingTheVariableAndTheRuleButNeverTheKey() {
        List<String> weak = List.of(
                "§",                                            // a one-character key, as in the issue
                "frg-test-admin-key",                           // the old test key: 18 characters
                "0123456789abcdefghijklmnopqrstu",              // 31 characters
                "a".repeat(64),                                 // one character
                "abababababababababababababababababababab",     // two different characters
                "123456781234567812345678123456781234567",      // 9 different characters
                "0123456789".repeat(4),                         // 10 different, but one sequence repeated
                "k3Y!k3Y!zQ9#wX7%V2b&".repeat(3));              // 16 different, one sequence repeated
        for (String key : weak) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> AdminKey.fromConfig(Optional.of(key)), key);
            assertTrue(e.getMessage().startsWith("FRUGAL_ADMIN_KEY (frugal.admin.key) is too weak: "), e.getMessage());
            assertTrue(e.getMessage().contains(AdminKey.RULE), e.getMessage());
            assertFalse(e.getMessage().contains(key), "the refusal prints the key: " + e.getMessage());
        }
    }

    @Test
    void strongKeysPassAndAreKnownByTheFirst8HexDigitsOfTheirHash() {
        for (String key : List.of("frg-test-admin-key-2c5e8a1f9b7d4306",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", // openssl rand -hex 32
                "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi")) {                                // openssl rand -base64 24
            assertNull(AdminKey.weakness(key), key);
        }
        AdminKey k = AdminKey.fromConfig(Optional.of("  frg-test-admin-key-2c5e8a1f9b7d4306\n")).orElseThrow();
        assertTrue(k.matches("frg-test-admin-key-2c5e8a1f9b7d4306"), "surrounding whitespace of the configured key is ignored");
        assertFalse(k.matches("frg-test-admin-key-2c5e8a1f9b7d430"));
        assertEquals(dev.frugal.core.KeyHash.sha256Hex("frg-test-admin-key-2c5e8a1f9b7d4306").substring(0, 8), k.id());
    }

    @Test
    void anUnsetOrBlankKeyLeavesTheAdminApiOff() {
        assertEquals(Optional.empty(), AdminKey.fromConfig(Optional.empty()));
        assertEquals(Optional.empty(), AdminKey.fromConfig(Optional.of("   ")));
    }
}
