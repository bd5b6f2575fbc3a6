package dev.frugal.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test runs a Node.js client ({@code node} and {@code npm} on the PATH, Node 18 or newer) to
 * prove that a JavaScript SDK works against the gateway unchanged. Skipped with a message without
 * them; mandatory in CI, as {@link RequiresPrometheus}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresNode.Condition.class)
public @interface RequiresNode {

    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (RequiresPrometheus.Condition.command("node").isPresent() && RequiresPrometheus.Condition.command("npm").isPresent()) {
                return ConditionEvaluationResult.enabled("node and npm are installed");
            }
            if (RequiresPostgres.Services.required()) {
                return ConditionEvaluationResult.enabled("node and npm are required in CI but not installed: the test runs and fails");
            }
            return ConditionEvaluationResult.disabled("SKIPPED: node/npm not installed (Node.js 18+ with npm;"
                    + " CI=true makes it mandatory)");
        }
    }
}
