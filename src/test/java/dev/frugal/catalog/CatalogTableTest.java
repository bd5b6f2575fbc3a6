package dev.frugal.catalog;

import dev.frugal.core.Price;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class CatalogTableTest {
    static final Path SHIPPED = Path.of("config", "catalog.csv");
    static final CatalogTable CATALOG = shipped();

    static CatalogTable shipped() {
        try {
            return CatalogTable.parse(Files.readAllBytes(SHIPPED), SHIPPED.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the shipped file -----------------------------------------------------------------

    @Test
    void everyRowOfTheShippedCatalogLoads() {
        assertEquals(66, CATALOG.entries().size());
        assertEquals(28, CATALOG.entries().stream().filter(e -> e.provider().equals(CatalogTable.SELF_HOSTED)).count());
        assertTrue(CATALOG.entries().stream().filter(e -> e.provider().equals(CatalogTable.SELF_HOSTED)).allMatch(e -> e.price() == null),
                "open-weight rows have no per-token price: their cost is the admin's hardware");
        assertTrue(CATALOG.entries().stream().filter(e -> !e.provider().equals(CatalogTable.SELF_HOSTED)).allMatch(e -> e.price() != null));
    }

    @Test
    void knownPricesInMicroUsdPerMillionTokens() {
        assertPrice("gpt-4o-mini", "openai", 150_000, 75_000, 600_000);
        assertPrice("gpt-4o", "openai", 2_500_000, 1_250_000, 10_000_000);
        assertPrice("claude-sonnet-4-5-20250929", "anthropic", 3_000_000, 300_000, 15_000_000);
        assertPrice("gemini-1.5-flash-002", "google", 75_000, 18_750, 300_000);
        assertPrice("gemini-1.5-pro-002", "google", 1_250_000, 1_250_000, 5_000_000); // no cached price known: input price
        assertPrice("deepseek-chat", "deepseek", 280_000, 28_000, 420_000);
    }

    @Test
    void rowsKeepTheirLimitsCapabilitiesQualityAndSources() {
        CatalogEntry e = CATALOG.find("gpt-4o", "openai");
        assertEquals(128_000, e.contextWindow());
        assertEquals(16_384, e.maxOutput());
        assertEquals(Boolean.TRUE, e.tools());
        assertEquals(Boolean.FALSE, e.reasoning());
        assertEquals("LMArena text overall, style control", e.qualitySignal()); // a quoted field with a comma
        assertEquals(1336.0, e.qualityValue());
        assertTrue(e.priceSource().startsWith("pydantic/genai-prices"));
        assertEquals(LocalDate.of(2025, 7, 4), e.asOf());

        CatalogEntry large = CATALOG.find("mistral-large-2411", "mistral");
        assertEquals(0, large.maxOutput());
        assertEquals(128_000, large.outputLimit(), "no max output given: the context window bounds it");
        assertNull(CATALOG.find("mistral-large-2512", "mistral").tools(), "unknown flags stay unknown");
    }

    @Test
    void versionNamesTheLatestDateAndTheFileHash() throws Exception {
        byte[] bytes = Files.readAllBytes(SHIPPED);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 8);
        assertEquals("catalog-2026-07-29-" + sha, CATALOG.version());
        assertEquals(CATALOG.version(), CatalogTable.parse(bytes, "again").version(), "stable for the same file");
        assertEquals(CATALOG.version(), CATALOG.find("gpt-4o", null).price().version(), "stamped on each catalog price");
        assertEquals(Price.Source.CATALOG, CATALOG.find("gpt-4o", null).price().source());

        byte[] edited = new String(bytes, StandardCharsets.UTF_8).replace("gpt-4o-mini,128000,16384,0.15", "gpt-4o-mini,128000,16384,0.16")
                .getBytes(StandardCharsets.UTF_8);
        String other = CatalogTable.parse(edited, "edited").version();
        assertTrue(other.startsWith("catalog-2026-07-29-"));
        assertNotEquals(CATALOG.version(), other, "any edit changes the version");
    }

    // ---- matching -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} among {1} rows -> {2}")
    @CsvSource(nullValues = "-", value = {
            "gpt-4o-mini, openai, gpt-4o-mini",
            "GPT-4o-Mini, -, gpt-4o-mini",                                  // case is ignored
            "gpt-4o-2024-08-06, openai, gpt-4o",                            // dated snapshot
            "gpt-4o-mini-2024-07-18, -, gpt-4o-mini",
            "openai/gpt-4.1, -, gpt-4.1",                                   // provider prefix
            "claude-3-5-sonnet-latest, anthropic, claude-3-5-sonnet-20241022", // -latest alias
            "claude-sonnet-4-5, anthropic, claude-sonnet-4-5-20250929",     // undated alias of a dated id
            "claude-3-5-haiku@20241022, -, claude-3-5-haiku-20241022",      // Vertex AI's form
            "models/gemini-2.5-flash, google, gemini-2.5-flash",
            "qwen/qwen3-32b, groq, qwen/qwen3-32b",
            "groq/qwen/qwen3-32b, -, qwen/qwen3-32b",                       // a catalog provider as prefix picks its rows
            "Qwen/Qwen3-32B, self-hosted, Qwen/Qwen3-32B",
            "deepseek-r1-distill-llama-70b, -, deepseek-r1-distill-llama-70b", // exact beats the self-hosted row's normalised id
            "Qwen/Qwen3-32B, -, -",                                         // ambiguous: groq's and the open weights
            "gpt-4o, anthropic, -",                                         // not among that provider's rows
            "gpt-4o-mini-tts, -, -",                                        // no prefix matching: another model
            "mistral-large-latest, mistral, -",                             // which model -latest means is not recorded
            "deepseek-r1:7b, -, -",                                         // an Ollama tag
            "llama3.2:latest, -, -",
    })
    void matching(String name, String provider, String expected) {
        CatalogEntry e = CATALOG.find(name, provider);
        if (expected == null) assertNull(e, () -> name + " matched " + e);
        else {
            assertNotNull(e, name + " matched nothing");
            assertEquals(expected, e.model());
        }
    }

    @Test
    void everyRowIsFoundByItsOwnIdAndProvider() {
        for (CatalogEntry e : CATALOG.entries()) assertSame(e, CATALOG.find(e.model(), e.provider()), e.model());
    }

    @Test
    void blankNamesMatchNothing() {
        assertNull(CATALOG.find("", null));
        assertNull(CATALOG.find(null, "openai"));
    }

    @ParameterizedTest
    @CsvSource({
            "gpt-4o-2024-08-06, gpt-4o",
            "claude-3-5-sonnet-20241022, claude-3-5-sonnet",
            "anthropic/Claude-3-5-Sonnet@20241022, claude-3-5-sonnet",
            "llama3.2:latest, llama3.2",
            "gemini-2.0-flash-001, gemini-2.0-flash-001",   // a version number, not a date: kept
            "mistral-large-2411, mistral-large-2411",       // YYMM: kept
    })
    void normalisation(String name, String expected) {
        assertEquals(expected, CatalogTable.normalise(name));
    }

    // ---- parsing --------------------------------------------------------------------------

    private static final String HEADER = "provider,model,context_window,max_output,usd_in_per_mtok,usd_cached_in_per_mtok,usd_out_per_mtok,tools,vision,json,reasoning,quality_signal,quality_value,quality_source,price_source,as_of";

    @Test
    void quotedFieldsCrlfBomAndBlankLines() {
        String csv = "\uFEFF" + HEADER + "\r\n"
                + "acme,\"model, with comma\",1000,100,1.5,,3,true,,false,,\"quality \"\"quoted\"\"\",,\"line one\nline two\",src,2025-01-02\r\n"
                + "\r\n"
                + "acme,plain,,,,,,,,,,,,,,2024-12-31\r\n";
        CatalogTable t = CatalogTable.parse(csv.getBytes(StandardCharsets.UTF_8), "test");
        assertEquals(2, t.entries().size());
        CatalogEntry e = t.entries().get(0);
        assertEquals("model, with comma", e.model());
        assertEquals(1_500_000, e.price().input());
        assertEquals(1_500_000, e.price().cachedInput());
        assertEquals(3_000_000, e.price().output());
        assertEquals("quality \"quoted\"", e.qualitySignal());
        assertEquals("line one\nline two", e.qualitySource());
        assertNull(e.vision());
        assertNull(t.entries().get(1).price());
        assertTrue(t.version().startsWith("catalog-2025-01-02-"));
    }

    @Test
    void columnsAreFoundByName() {
        String csv = "as_of,usd_out_per_mtok,model,provider,usd_in_per_mtok,usd_cached_in_per_mtok,notes\n"
                + "2025-01-01,0.6,m,p,0.15,0.075,anything\n";
        Price price = CatalogTable.parse(csv.getBytes(StandardCharsets.UTF_8), "t").find("m", "p").price();
        assertEquals(150_000, price.input());
        assertEquals(75_000, price.cachedInput());
        assertEquals(600_000, price.output());
    }

    @Test
    void problemsAreAllReportedWithTheirLines() {
        String csv = HEADER + "\n"
                + "acme,a,lots,,1,,1,,,,,,,,,2025-01-01\n"      // line 2: context
                + "acme,b,,,-1,,1,,,,,,,,,2025-01-01\n"         // line 3: negative price
                + "acme,c,,,1,,,,,,,,,,,2025-01-01\n"           // line 4: input without output
                + "acme,d,,,1,,1,yes,,,,,,,,2025-01-01\n"       // line 5: flag
                + "acme,e,,,1,,1,,,,,,,,,01/02/2025\n"          // line 6: date
                + "acme,f,too,few\n"                            // line 7: field count
                + "acme,a,,,1,,1,,,,,,,,,2025-01-01\n";         // line 8: duplicate of line 2
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CatalogTable.parse(csv.getBytes(StandardCharsets.UTF_8), "bad.csv"));
        String m = e.getMessage();
        assertTrue(m.contains("bad.csv"), m);
        assertTrue(m.contains("line 2: context_window 'lots'"), m);
        assertTrue(m.contains("line 3: usd_in_per_mtok '-1'"), m);
        assertTrue(m.contains("line 4: give both"), m);
        assertTrue(m.contains("line 5: tools 'yes'"), m);
        assertTrue(m.contains("line 6: as_of '01/02/2025'"), m);
        assertTrue(m.contains("line 7: 4 fields, but the header has 16"), m);
        assertTrue(m.contains("line 8: duplicate row for acme a"), m);
    }

    @Test
    void missingColumnsEmptyFilesAndOpenQuotesAreRefused() {
        assertTrue(problem("provider,model\nx,y\n").contains("no column 'usd_in_per_mtok'"));
        assertTrue(problem("").contains("the file is empty"));
        assertTrue(problem(HEADER + "\nacme,\"never closed,,,,,,,,,,,,,,\n").contains("line 2: a quoted field is never closed"));
    }

    private static String problem(String csv) {
        return assertThrows(IllegalArgumentException.class, () -> CatalogTable.parse(csv.getBytes(StandardCharsets.UTF_8), "t"))
                .getMessage();
    }

    private static void assertPrice(String model, String provider, long in, long cached, long out) {
        Price p = CATALOG.find(model, provider).price();
        assertEquals(in, p.input(), model + " input");
        assertEquals(cached, p.cachedInput(), model + " cached input");
        assertEquals(out, p.output(), model + " output");
        assertFalse(p.version().isEmpty());
    }
}
