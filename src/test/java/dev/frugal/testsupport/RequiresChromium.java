package dev.frugal.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The test drives a real browser: Debian's {@code chromium} and {@code chromedriver} (packages {@code chromium}
 * and {@code chromium-driver}, which {@code .ci/run} installs when missing) on the PATH, through Selenium without
 * Selenium Manager (nothing is downloaded). Skipped with a message without them; mandatory in CI, as
 * {@link RequiresPrometheus}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresChromium.Condition.class)
public @interface RequiresChromium {

    class Condition implements ExecutionCondition {
        /** The browser binary, if installed. */
        public static Optional<Path> chromium() {
            return RequiresPrometheus.Condition.command("chromium");
        }

        /** The driver, if installed. */
        public static Optional<Path> chromedriver() {
            return RequiresPrometheus.Condition.command("chromedriver");
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (chromium().isPresent() && chromedriver().isPresent()) {
                return ConditionEvaluationResult.enabled("chromium and chromedriver are installed");
            }
            if (RequiresPostgres.Services.required()) {
                return ConditionEvaluationResult.enabled("chromium and chromedriver are required in CI but not installed: the test runs and fails");
            }
            return ConditionEvaluationResult.disabled("SKIPPED: chromium/chromedriver not installed (Debian: apt-get install chromium"
                    + " chromium-driver; CI=true makes it mandatory)");
        }
    }
}
