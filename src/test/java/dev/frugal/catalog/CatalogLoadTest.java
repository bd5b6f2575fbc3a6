package dev.frugal.catalog;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class CatalogLoadTest {

    @Test
    void theFileIsReadWhenItExists(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("catalog.csv");
        Files.writeString(file, "provider,model,usd_in_per_mtok,usd_cached_in_per_mtok,usd_out_per_mtok,as_of\nacme,m,1,,2,2025-03-04\n");
        CatalogTable t = Catalog.load(file, false);
        assertEquals(1, t.entries().size());
        assertTrue(t.version().startsWith("catalog-2025-03-04-"));
    }

    @Test
    void withoutTheDefaultFileTheCopyInsideTheJarIsUsed(@TempDir Path dir) {
        CatalogTable bundled = Catalog.load(dir.resolve("absent.csv"), true);
        assertEquals(CatalogTableTest.CATALOG.version(), bundled.version(), "the jar carries the shipped file unchanged");
        assertEquals(66, bundled.entries().size());
    }

    @Test
    void anExplicitPathMustExist(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Catalog.load(dir.resolve("typo.csv"), false));
        assertTrue(e.getMessage().contains("typo.csv does not exist; set FRUGAL_CATALOG"), e.getMessage());
    }

    @Test
    void aBrokenFileStopsTheStart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("catalog.csv");
        Files.writeString(file, "provider,model,usd_in_per_mtok,usd_cached_in_per_mtok,usd_out_per_mtok,as_of\nacme,m,cheap,,2,2025-03-04\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Catalog.load(file, true));
        assertTrue(e.getMessage().contains("line 2: usd_in_per_mtok 'cheap'"), e.getMessage());
    }
}
