package dev.frugal.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The test needs the PostgreSQL server on 127.0.0.1:5432 (database {@code test}, trust auth). On a
 * machine without one the test is skipped with a message; in CI ({@code CI=true} or
 * {@code FRUGAL_REQUIRE_SERVICES=true}) it runs regardless and so fails loudly.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPostgres.Condition.class)
public @interface RequiresPostgres {
    String HOST = "127.0.0.1";
    int PORT = 5432;
    String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    String USER = "postgres";

    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Services.check("PostgreSQL", HOST, PORT);
        }
    }

    /** Shared by the service conditions: reachable, required, or skipped with a reason. */
    final class Services {
        private Services() {}

        public static boolean required() {
            return "true".equalsIgnoreCase(System.getenv("CI")) || "true".equalsIgnoreCase(System.getenv("FRUGAL_REQUIRE_SERVICES"));
        }

        static boolean reachable(String host, int port) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return true;
            } catch (Exception e) {
                return false;
            }
        }

        static ConditionEvaluationResult check(String name, String host, int port) {
            if (reachable(host, port)) return ConditionEvaluationResult.enabled(name + " is reachable at " + host + ":" + port);
            if (required()) return ConditionEvaluationResult.enabled(name + " is required in CI but not reachable at " + host + ":" + port
                    + ": the test runs and fails");
            return ConditionEvaluationResult.disabled("SKIPPED: " + name + " is not reachable at " + host + ":" + port
                    + " (start it to run this test; CI=true makes it mandatory)");
        }
    }
}
