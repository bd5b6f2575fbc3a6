package dev.frugal.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The test runs Prometheus's own tools ({@code prometheus} and {@code promtool}, Debian's package
 * {@code prometheus}, which {@code .ci/run} installs when missing) to prove that what the gateway
 * exports is what Prometheus parses. Skipped with a message without them; mandatory in CI, as the
 * services of {@link RequiresPostgres}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPrometheus.Condition.class)
public @interface RequiresPrometheus {

    class Condition implements ExecutionCondition {
        /** The path of a command on the PATH, if there is one. */
        static Optional<Path> command(String name) {
            String path = System.getenv("PATH");
            if (path == null) return Optional.empty();
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
            return Optional.empty();
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (command("prometheus").isPresent() && command("promtool").isPresent()) {
                return ConditionEvaluationResult.enabled("prometheus and promtool are installed");
            }
            if (RequiresPostgres.Services.required()) {
                return ConditionEvaluationResult.enabled("prometheus and promtool are required in CI but not installed: the test runs and fails");
            }
            return ConditionEvaluationResult.disabled("SKIPPED: prometheus/promtool not installed (Debian: apt-get install prometheus;"
                    + " CI=true makes it mandatory)");
        }
    }
}
