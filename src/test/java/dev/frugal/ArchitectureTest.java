package dev.frugal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.CompletionsCapable;
import dev.frugal.provider.EmbeddingCapable;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the package arrows of DESIGN.md honest:
 * {@code api ─▶ pipeline ─▶ routing, resilience, cache, tenancy, ledger ─▶ provider, catalog ─▶ wire, telemetry ─▶ core},
 * with {@code config} (the compiled YAML) readable from everywhere above {@code wire}.
 */
@AnalyzeClasses(packages = "dev.frugal", importOptions = ImportOption.DoNotIncludeTests.class)
@ArchTag("unit")
class ArchitectureTest {
    private static final String OPENAI_WIRE = "dev.frugal.provider.openaiwire..";

    // ---- layers ---------------------------------------------------------------------------

    @ArchTest
    static final ArchRule core_imports_nothing_of_the_project = mayOnlyUse("core");

    @ArchTest
    static final ArchRule wire_uses_only_core = mayOnlyUse("wire", "core");

    @ArchTest
    static final ArchRule telemetry_uses_only_core = mayOnlyUse("telemetry", "core");

    @ArchTest
    static final ArchRule config_uses_only_core_and_wire = mayOnlyUse("config", "core", "wire");

    @ArchTest
    static final ArchRule provider_uses_only_core_wire_and_config = mayOnlyUse("provider", "core", "wire", "config");

    /**
     * Routing is a pure decision over the config: it knows providers only as {@code ProviderConfig}. Its
     * learned-quality part reads outcome tables (CSV) and writes evaluations (JSON) through wire
     * (docs/decisions/0011).
     */
    @ArchTest
    static final ArchRule routing_uses_only_core_config_and_wire = mayOnlyUse("routing", "core", "config", "wire");

    /** The catalog (prices, token counts) is data over the config: no I/O layer, no request handling. */
    @ArchTest
    static final ArchRule catalog_uses_only_core_config_and_wire = mayOnlyUse("catalog", "core", "config", "wire");

    /** Tenancy stores policies as JSON, hence wire. */
    @ArchTest
    static final ArchRule tenancy_uses_only_core_config_wire_and_telemetry = mayOnlyUse("tenancy", "core", "config", "wire", "telemetry");

    /**
     * Inside tenancy: {@code tenancy} itself holds the types every part shares ({@code Caller},
     * {@code Source}) and imports none of its parts; {@code keys} (issuing and authenticating keys)
     * knows neither teams' storage nor quotas; {@code teams} (the directory and its database) stores
     * keys, so it imports {@code keys}, but not {@code quotas}; {@code quotas} sees a request only as its {@code Caller}.
     */
    @ArchTest
    static final ArchRule tenancy_front_types_import_none_of_its_parts = mayNotUse("dev.frugal.tenancy",
            "tenancy's shared types sit below keys, teams and quotas", "dev.frugal.tenancy.*..");

    @ArchTest
    static final ArchRule tenancy_keys_know_no_teams_nor_quotas = mayNotUse("dev.frugal.tenancy.keys..",
            "keys are issued and checked without the teams' database or the quotas", "dev.frugal.tenancy.teams..", "dev.frugal.tenancy.quotas..");

    @ArchTest
    static final ArchRule tenancy_teams_know_no_quotas = mayNotUse("dev.frugal.tenancy.teams..",
            "the directory of teams and keys does not count requests", "dev.frugal.tenancy.quotas..");

    @ArchTest
    static final ArchRule tenancy_quotas_know_no_keys_nor_teams = mayNotUse("dev.frugal.tenancy.quotas..",
            "quotas admit a Caller; how it was authenticated and where teams are stored is not theirs to know",
            "dev.frugal.tenancy.keys..", "dev.frugal.tenancy.teams..");

    /** The ledger records and reports; it knows nothing of the pipeline, providers or tenancy. */
    @ArchTest
    static final ArchRule ledger_uses_only_core_config_catalog_wire_and_telemetry =
            mayOnlyUse("ledger", "core", "config", "catalog", "wire", "telemetry");

    /**
     * The response cache keeps answers by key and replays them; it knows nothing of requests in
     * flight (the pipeline's {@code CacheStage} drives it), of providers or of tenancy.
     */
    @ArchTest
    static final ArchRule cache_uses_only_core_config_wire_and_telemetry = mayOnlyUse("cache", "core", "config", "wire", "telemetry");

    /** Resilience executes routing's {@code Plan}; routing never knows about resilience. */
    @ArchTest
    static final ArchRule resilience_uses_only_core_config_provider_and_routing =
            mayOnlyUse("resilience", "core", "config", "provider", "routing");

    /** The OpenAI and Anthropic edge parses, calls the pipeline, and writes: nothing of what lies behind it. */
    @ArchTest
    static final ArchRule api_uses_only_pipeline_core_config_and_wire = mayOnlyUse("api", "pipeline", "core", "config", "wire");

    /**
     * The admin API goes through the pipeline (backends, reports), except for teams and keys,
     * whose administration is tenancy's own API (docs/decisions/0007); never the quota counters.
     */
    @ArchTest
    static final ArchRule admin_uses_pipeline_and_tenancy_administration_only =
            noClasses().that().resideInAPackage("dev.frugal.admin..")
                    .should().dependOnClassesThat(resideInAPackage("dev.frugal..").and(not(resideInAnyPackage(
                            "dev.frugal.admin..", "dev.frugal.pipeline..", "dev.frugal.core..", "dev.frugal.config..",
                            "dev.frugal.wire..", "dev.frugal.tenancy", "dev.frugal.tenancy.teams..", "dev.frugal.tenancy.keys.."))))
                    .because("admin parses, calls the pipeline (or tenancy's team and key administration), and writes");

    /**
     * Beans are {@code @Singleton}: a normal-scoped bean is reached through a client proxy that looks up its
     * context on every call, 3.4 % of the hot path's profile samples (docs/benchmarks.md, decision 0028).
     */
    @ArchTest
    static final ArchRule beans_are_singletons_without_client_proxies =
            noClasses().should().beAnnotatedWith("jakarta.enterprise.context.ApplicationScoped")
                    .orShould().beAnnotatedWith("jakarta.enterprise.context.RequestScoped")
                    .because("every call through a client proxy looks the bean up again; @Singleton beans are called directly");

    /** Only the HTTP surfaces handle HTTP requests: everything behind them is transport-free. */
    @ArchTest
    static final ArchRule vertx_web_only_in_the_http_surfaces =
            noClasses().that().resideOutsideOfPackages("dev.frugal.api..", "dev.frugal.admin..")
                    .should().dependOnClassesThat().resideInAPackage("io.vertx.ext.web..")
                    .because("api and admin parse and write HTTP; the pipeline and below take typed values");

    /**
     * One retry loop: an upstream call starts only in {@code pipeline.Dispatch}, which hands it to
     * {@code resilience.PlanExecutor}; backoff, retry budgets, breakers and bulkheads belong to resilience.
     */
    @ArchTest
    static final ArchRule upstream_calls_start_only_in_dispatch =
            noClasses().that().doNotHaveFullyQualifiedName("dev.frugal.pipeline.Dispatch")
                    .and().resideOutsideOfPackage("dev.frugal.provider..")
                    .should().callMethodWhere(target(assignableTo(ChatCapable.class)
                            .or(assignableTo(CompletionsCapable.class)).or(assignableTo(EmbeddingCapable.class)),
                            "chat", "chatStream", "complete", "completeStream", "embed"))
                    .because("every upstream call goes through PlanExecutor, the only retry loop");

    @ArchTest
    static final ArchRule retry_machinery_stays_in_resilience =
            noClasses().that().resideOutsideOfPackages("dev.frugal.resilience..", "dev.frugal.pipeline..")
                    .should().dependOnClassesThat().haveFullyQualifiedName("dev.frugal.resilience.Backoff")
                    .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.frugal.resilience.RetryBudget")
                    .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.frugal.resilience.Bulkhead")
                    .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.frugal.resilience.PlanExecutor")
                    .because("retries, backoff and bulkheads are resilience's; the pipeline only builds and calls the executor");

    @ArchTest
    static final ArchRule pipeline_is_used_only_by_the_http_edge =
            noClasses().that().resideOutsideOfPackages("dev.frugal.pipeline..", "dev.frugal.api..", "dev.frugal.admin..")
                    .should().dependOnClassesThat().resideInAPackage("dev.frugal.pipeline..")
                    .because("only the HTTP edge drives the pipeline");

    @ArchTest
    static final ArchRule api_is_used_by_nobody =
            noClasses().that().resideOutsideOfPackage("dev.frugal.api..")
                    .should().dependOnClassesThat().resideInAPackage("dev.frugal.api..")
                    .because("the HTTP edge is the outermost layer");

    /**
     * Protocol packages stand alone. The one exception is {@code openaiwire}: the OpenAI wire
     * format shared by every adapter that speaks it (openai, azure), which may itself import no adapter.
     */
    @ArchTest
    static final ArchRule sibling_adapters_never_import_each_other =
            slices().matching("dev.frugal.provider.(*)..").should().notDependOnEachOther()
                    .ignoreDependency(DescribedPredicate.alwaysTrue(), resideInAPackage(OPENAI_WIRE))
                    .because("each protocol package stands alone; shared code lives in dev.frugal.provider "
                            + "or, for the OpenAI wire format, in dev.frugal.provider.openaiwire");

    @ArchTest
    static final ArchRule the_shared_openai_wire_imports_no_adapter =
            noClasses().that().resideInAPackage(OPENAI_WIRE)
                    .should().dependOnClassesThat(resideInAPackage("dev.frugal.provider.*..")
                            .and(not(resideInAPackage(OPENAI_WIRE))))
                    .because("openaiwire is shared by adapters, so it may not depend on any of them");

    // ---- one door per library -------------------------------------------------------------

    @ArchTest
    static final ArchRule one_json_mapper =
            noClasses().that().resideOutsideOfPackage("dev.frugal.wire..")
                    .should().callConstructorWhere(target(assignableTo(ObjectMapper.class)))
                    .orShould().callMethodWhere(target(assignableTo(ObjectMapper.class), "builder", "copy", "copyWith"))
                    .orShould().callMethodWhere(target(assignableTo(MapperBuilder.class), "build"))
                    .because("dev.frugal.wire.Json is the one configured JSON mapper");

    @ArchTest
    static final ArchRule one_upstream_http_door =
            noClasses().that().resideOutsideOfPackage("dev.frugal.provider")
                    .should().callMethodWhere(target(assignableTo(Vertx.class), "createHttpClient", "httpClientBuilder"))
                    .because("dev.frugal.provider.UpstreamHttp is the one upstream HTTP client");

    // ---- time ----------------------------------------------------------------------------

    /** The java.time types whose {@code now()} reads the machine's clock unless given a {@link Clock}. */
    private static final Set<String> HAS_NOW = Set.of("Instant", "LocalDate", "LocalDateTime", "LocalTime", "OffsetDateTime",
            "OffsetTime", "ZonedDateTime", "Year", "YearMonth", "MonthDay");

    /** A call or method reference that reads the machine's clock. */
    private static final DescribedPredicate<JavaAccess<?>> READS_THE_MACHINE_CLOCK = DescribedPredicate.describe(
            "a read of the machine's clock (System.nanoTime/currentTimeMillis, Clock.system*, now() without a Clock)",
            access -> {
                String owner = access.getTargetOwner().getName();
                String name = access.getName();
                return owner.equals("java.lang.System") && (name.equals("nanoTime") || name.equals("currentTimeMillis"))
                        || owner.equals("java.time.Clock") && name.startsWith("system")
                        || owner.startsWith("java.time.") && HAS_NOW.contains(access.getTargetOwner().getSimpleName())
                        && name.equals("now") && !(access.getTarget() instanceof AccessTarget.CodeUnitAccessTarget t
                                && t.getRawParameterTypes().stream().anyMatch(p -> p.isAssignableTo(Clock.class)));
            });

    @ArchTest
    static final ArchRule no_direct_clock_calls =
            noClasses().that().doNotBelongToAnyOf(TimeSource.class)
                    .should().accessTargetWhere(READS_THE_MACHINE_CLOCK)
                    .because("time is injected (dev.frugal.core.TimeSource), so tests move a fake clock instead of sleeping");

    // ---- helpers -------------------------------------------------------------------------

    /** Classes of {@code dev.frugal.<layer>..} depend on no project package but their own and {@code allowed}. */
    private static ArchRule mayOnlyUse(String layer, String... allowed) {
        String[] own = new String[allowed.length + 1];
        own[0] = "dev.frugal." + layer + "..";
        for (int i = 0; i < allowed.length; i++) own[i + 1] = "dev.frugal." + allowed[i] + "..";
        return noClasses().that().resideInAPackage("dev.frugal." + layer + "..")
                .should().dependOnClassesThat(resideInAPackage("dev.frugal..").and(not(resideInAnyPackage(own))))
                .because(layer + " may use only " + (allowed.length == 0 ? "the JDK and libraries" : String.join(", ", allowed)));
    }

    /** Classes in {@code packages} (an ArchUnit package pattern) depend on none in {@code forbidden}. */
    private static ArchRule mayNotUse(String packages, String because, String... forbidden) {
        return noClasses().that().resideInAPackage(packages)
                .should().dependOnClassesThat().resideInAnyPackage(forbidden).because(because);
    }

    /** A call whose target is declared by a class matching {@code owner} and, if given, has one of {@code names}. */
    private static DescribedPredicate<JavaAccess<?>> target(DescribedPredicate<? super JavaClass> owner, String... names) {
        List<String> wanted = List.of(names);
        return DescribedPredicate.describe(
                "target owner " + owner.getDescription() + (names.length == 0 ? "" : " named " + wanted),
                access -> owner.test(access.getTargetOwner()) && (wanted.isEmpty() || wanted.contains(access.getName())));
    }
}
