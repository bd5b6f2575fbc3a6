package dev.frugal;

import com.tngtech.archunit.junit.ArchTag;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.RequiresRedis;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the fast lane ({@code ./mvnw test -Dgroups=unit}) from rotting silently. Every test class
 * is in exactly one lane: tagged {@code unit} (plain JUnit in this process: no Quarkus, no
 * PostgreSQL or Redis, no packaged gateway), or needing one of those — a {@code @QuarkusTest}, a
 * class using {@link RequiresPostgres} or {@link RequiresRedis} (on itself, a superclass, a nested
 * class or a test method), or an {@code *IT}. A new test class without a lane fails here.
 */
@Tag("unit")
class TestLanesTest {
    private static final String UNIT = "unit";

    @Test
    void everyTestClassIsInExactlyOneLane() throws Exception {
        Path root = Path.of(TestLanesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> wrong = new ArrayList<>();
        int unit = 0, service = 0;
        for (Class<?> c : topLevelClasses(root)) {
            if (Modifier.isAbstract(c.getModifiers()) || !hasTests(c)) continue;
            boolean isUnit = tagged(c), needs = needsService(c);
            if (isUnit && needs) wrong.add(c.getName() + ": tagged unit, but it needs Quarkus, a service or the packaged gateway");
            else if (!isUnit && !needs) wrong.add(c.getName() + ": add @Tag(\"unit\") (plain JUnit, in-process) or say what it needs");
            if (!c.getSimpleName().endsWith("Test") && !c.getSimpleName().endsWith("IT")) {
                wrong.add(c.getName() + ": name it *Test (surefire) or *IT (failsafe), or no build runs it");
            }
            if (isUnit) unit++;
            if (needs) service++;
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertTrue(unit > 10 && service > 10, "the scan of " + root + " found " + unit + " unit and " + service + " other test classes");
    }

    private static List<Class<?>> topLevelClasses(Path root) throws Exception {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$")).toList()) {
                String file = root.relativize(p).toString();
                String name = file.substring(0, file.length() - ".class".length()).replace(p.getFileSystem().getSeparator(), ".");
                classes.add(Class.forName(name, false, TestLanesTest.class.getClassLoader()));
            }
        }
        return classes;
    }

    /** Test methods or ArchUnit rules of its own or inherited, or in its {@code @Nested} classes. */
    private static boolean hasTests(Class<?> c) {
        if (!ReflectionSupport.findMethods(c, m -> AnnotationSupport.isAnnotated(m, Testable.class), HierarchyTraversalMode.TOP_DOWN).isEmpty()
                || !ReflectionSupport.findFields(c, f -> AnnotationSupport.isAnnotated(f, Testable.class), HierarchyTraversalMode.TOP_DOWN).isEmpty()) {
            return true;
        }
        for (Class<?> n : c.getDeclaredClasses()) if (AnnotationSupport.isAnnotated(n, Nested.class) && hasTests(n)) return true;
        return false;
    }

    private static boolean tagged(Class<?> c) {
        return AnnotationSupport.findRepeatableAnnotations(c, Tag.class).stream().anyMatch(t -> t.value().equals(UNIT))
                || AnnotationSupport.findRepeatableAnnotations(c, ArchTag.class).stream().anyMatch(t -> t.value().equals(UNIT));
    }

    private static boolean needsService(Class<?> c) {
        return AnnotationSupport.isAnnotated(c, QuarkusTest.class) || AnnotationSupport.isAnnotated(c, QuarkusIntegrationTest.class)
                || c.getSimpleName().endsWith("IT") || usesService(c);
    }

    /** {@code @RequiresPostgres}/{@code @RequiresRedis} on the class, a superclass, a nested class or a method. */
    private static boolean usesService(Class<?> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            if (requires(k)) return true;
            for (Method m : k.getDeclaredMethods()) if (requires(m)) return true;
            for (Class<?> n : k.getDeclaredClasses()) if (usesService(n)) return true;
        }
        return false;
    }

    private static boolean requires(AnnotatedElement e) {
        for (Class<? extends Annotation> a : List.of(RequiresPostgres.class, RequiresRedis.class)) {
            if (AnnotationSupport.isAnnotated(e, a)) return true;
        }
        return false;
    }
}
