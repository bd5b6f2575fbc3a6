package dev.frugal.admin;

import dev.frugal.ledger.Ledger;
import dev.frugal.testsupport.GatewayTestResource;
import dev.frugal.testsupport.RequiresChromium;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (Debian's headless Chromium through Selenium) against the running gateway with a
 * seeded ledger: sign-in, the overview's figures against the report API, a key issued in the console used for a
 * chat completion, a route edited and explained, a route's evaluation curve on an uploaded test set against
 * {@code POST /admin/routes/{route}/evaluate}, a team key's view kept to its team (also by direct URL and API),
 * CSRF. Screenshots of each page at laptop and phone widths go to {@code target/console-screenshots/}; the
 * browser's log must hold no error but those of the refusals the test provokes.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@RequiresChromium
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final String ADMIN_KEY = "frg-test-admin-key-2c5e8a1f9b7d4306";
    static final String ADMIN = "Bearer " + ADMIN_KEY;
    static final String ALPHA_KEY = "frg-test-alpha-key";
    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final Instant SEEDED = LocalDate.now(ZoneOffset.UTC).minusDays(3).atTime(9, 30).toInstant(ZoneOffset.UTC);
    static final String ROUTE = "console-route-" + UUID.randomUUID().toString().substring(0, 8);
    static final String TEAM = "console-team-" + UUID.randomUUID().toString().substring(0, 8);
    static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
    static final Pattern NONCE = Pattern.compile("name=\"nonce\" value=\"([^\"]+)\"");

    static WebDriver driver;
    static boolean seeded;

    @Inject Ledger ledger;
    @TestHTTPResource("/") URL root;

    @BeforeEach
    void setUp() throws Exception {
        if (driver == null) driver = browser();
        if (seeded) return;
        seeded = true;
        ledger.record(UsageReportsTest.row("console-a1", "alpha", "k-a", "gpt-test", SEEDED, 200, 1_234_567, 2_000_000, 120));
        ledger.record(UsageReportsTest.row("console-a2", "alpha", "k-a", "sim-chat", SEEDED.plusSeconds(3600), 500, 0, 0, 300));
        ledger.record(UsageReportsTest.row("console-o1", "other", "k-o", "other-team-model", SEEDED, 200, 2_500_000, 3_000_000, 80));
        assertTrue(ledger.flush(Duration.ofSeconds(10)));
        admin().body("{\"candidates\":[\"policy-strong\",\"policy-mid\",\"policy-local\"],\"objective\":\"cheapest\",\"min-quality\":0.7}")
                .put("/admin/routes/" + ROUTE).then().statusCode(201);
    }

    @AfterAll
    static void quit() {
        if (driver != null) driver.quit();
        driver = null;
    }

    static WebDriver browser() throws Exception {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(RequiresChromium.Condition.chromium().orElseThrow(() -> new AssertionError("chromium is not installed")).toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(RequiresChromium.Condition.chromedriver().orElseThrow(() -> new AssertionError("chromedriver is not installed")).toFile())
                .usingAnyFreePort().build();
        Files.createDirectories(SHOTS);
        return new ChromeDriver(service, o);
    }

    // ---- the tests, in order: one browser, one session after another ---------------------------------

    @Test
    @Order(1)
    void theSessionCookieIsHttpOnlyStrictAndSecureBehindTls() {
        List<String> cookies = login(ADMIN_KEY, null).headers().getValues("Set-Cookie");
        String session = cookies.stream().filter(c -> c.startsWith(ConsoleRoutes.COOKIE + "=")).findFirst().orElseThrow(() -> new AssertionError(cookies.toString()));
        assertTrue(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Path=/console"), session);
        assertFalse(session.contains("Secure"), "plain HTTP: " + session);
        List<String> tls = login(ADMIN_KEY, "https").headers().getValues("Set-Cookie");
        assertTrue(tls.stream().filter(c -> c.startsWith(ConsoleRoutes.COOKIE + "=")).allMatch(c -> c.contains("; Secure")), tls.toString());
        // a wrong key signs nobody in, and the pages send a visitor without a session to the sign-in form
        Response wrong = login("frg-not-a-key-at-all-0000000000000", null);
        assertEquals(401, wrong.statusCode());
        assertFalse(wrong.headers().getValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(ConsoleRoutes.COOKIE + "=") && !c.contains("Max-Age=0")));
        given().redirects().follow(false).get("/console/overview").then().statusCode(303).header("Location", "/console/login");
        given().get("/console/api/teams").then().statusCode(401).body("error.code", org.hamcrest.Matchers.equalTo("invalid_session"));
    }

    @Test
    @Order(2)
    void anAdminSignsInAndTheOverviewShowsTheReportsNumbers() throws Exception {
        open("/console/login");
        shoot("login");
        signIn(ADMIN_KEY);
        waitLoaded("overview");
        assertEquals("Admin", driver.findElement(By.id("who")).getText());
        // the chart is drawn, with a series per team
        assertFalse(driver.findElements(By.cssSelector("#chart-spend canvas")).isEmpty(), "uPlot drew the spend chart");
        Set<String> legend = driver.findElements(By.cssSelector("#chart-spend .u-legend .u-series th")).stream()
                .map(WebElement::getText).map(String::strip).collect(Collectors.toSet());
        assertTrue(legend.contains("alpha") && legend.contains("other"), legend.toString());
        // the page's figure for a seeded team is the report API's for the same range
        String from = value("from"), to = value("to");
        String query = "from=" + from + "&to=" + to + "&interval=day&group_by=team";
        List<Map<String, Object>> rows = admin().get("/admin/reports/usage?" + query).then().statusCode(200).extract().jsonPath().getList("data");
        for (String team : List.of("alpha", "other")) {
            BigDecimal api = rows.stream().filter(r -> team.equals(r.get("team"))).map(r -> new BigDecimal(r.get("cost_usd").toString()))
                    .reduce(BigDecimal.ZERO, BigDecimal::add).setScale(6, RoundingMode.HALF_UP);
            String shown = driver.findElement(By.cssSelector("#table-team tr[data-team='" + team + "'] td[data-cost]")).getAttribute("data-cost");
            assertEquals(api, new BigDecimal(shown), team + "'s spend on the page and in /admin/reports/usage");
            assertTrue(api.compareTo(new BigDecimal(team.equals("alpha") ? "1.234567" : "2.5")) >= 0, "the seeded row is in the range");
        }
        // each chart's CSV is the report API's CSV
        String href = driver.findElement(By.id("csv-team")).getAttribute("href");
        String path = href.substring(href.indexOf("/console/api/"));
        String csv = session().get(path).then().statusCode(200).extract().asString();
        assertEquals(admin().get(path.replace("/console/api/", "/admin/")).then().statusCode(200).extract().asString(), csv);
        assertTrue(csv.startsWith("period,team,requests"), csv);
        shoot("overview");
        noBrowserErrors();
    }

    @Test
    @Order(3)
    void aKeyIssuedInTheConsoleServesAChatCompletion() {
        open("/console/teams");
        waitLoaded("teams");
        shoot("teams");
        type("t-name", TEAM);
        type("t-models", "sim-chat");
        type("t-budget", "25");
        driver.findElement(By.id("team-save")).click();
        WebElement row = waitFor(By.cssSelector("#teams tr[data-team='" + TEAM + "']"));
        assertTrue(row.getText().contains("$0.0000 of $25.00 / month"), row.getText());
        row.findElement(By.cssSelector("button.keys")).click();
        type("k-name", "from-the-console");
        driver.findElement(By.id("issue-key")).click();
        WebElement shown = waitFor(By.cssSelector("#new-key:not([hidden]) #new-key-value"));
        String key = shown.getText();
        assertTrue(key.startsWith("frg-"), key);
        waitFor(By.cssSelector("#keys tr[data-key]"));
        shoot("teams-key-issued");
        given().header("Authorization", "Bearer " + key).contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello from the console\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        // audited as the admin API's changes are, naming the console
        List<Map<String, Object>> issued = admin().get("/admin/audit?team=" + TEAM + "&action=key.issue").then().statusCode(200)
                .extract().jsonPath().getList("data");
        assertEquals(1, issued.size());
        assertTrue(issued.get(0).get("credential").toString().startsWith("console:admin-key:"), issued.toString());
        noBrowserErrors();
    }

    @Test
    @Order(4)
    void editingARouteChangesWhatExplainShows() {
        open("/console/routing");
        waitLoaded("routing");
        assertEquals("policy-mid", explained(), "cheapest at min-quality 0.7");
        driver.findElement(By.cssSelector("#routes tr[data-route='" + ROUTE + "'] button.edit")).click();
        WebElement json = waitFor(By.cssSelector("#edit-card:not([hidden]) #route-json"));
        String edited = json.getAttribute("value").replace("\"min-quality\": 0.7", "\"min-quality\": 0.9");
        assertTrue(edited.contains("0.9"), edited);
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1]", json, edited);
        driver.findElement(By.id("route-save")).click();
        WebElement diff = waitFor(By.cssSelector("#route-diff ins"));
        assertTrue(driver.findElement(By.id("route-diff")).getText().contains("+   \"min-quality\": 0.9"), diff.getText());
        assertTrue(driver.findElement(By.id("route-diff")).getText().contains("-   \"min-quality\": 0.7"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("route-versions")).getText().contains("v2"));
        assertEquals("policy-strong", explained(), "only policy-strong reaches min-quality 0.9");
        assertEquals(2, admin().get("/admin/routes/" + ROUTE).then().statusCode(200).extract().jsonPath().getInt("version"));
        shoot("routing");
        noBrowserErrors();
    }

    @Test
    @Order(5)
    void theEvaluationCurveShowsWhatEvaluateReturns() throws Exception {
        // the route's examples through the admin API (the page evaluates the examples in force; it does not upload them),
        // embedded by the real MiniLM: 24 prompts, a second or two
        admin().contentType("text/csv").body(Files.readString(resource("console/route-examples.csv")))
                .post("/admin/routes/" + ROUTE + "/examples").then().statusCode(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonPath progress;
        do {
            Thread.sleep(200);
            progress = admin().get("/admin/routes/" + ROUTE + "/examples").then().statusCode(200).extract().jsonPath();
            assertFalse("failed".equals(progress.getString("upload.status")), progress.prettify());
        } while (!("ready".equals(progress.getString("upload.status")) && progress.getInt("loaded_rows") == 24) && System.nanoTime() < deadline);
        assertEquals("ready", progress.getString("upload.status"), progress.prettify());
        assertEquals(24, progress.getInt("loaded_rows"));

        // the page: the route's examples in force, then a test set uploaded and its curve drawn
        open("/console/routing");
        waitLoaded("routing");
        driver.findElement(By.cssSelector("#routes tr[data-route='" + ROUTE + "'] button.edit")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElement(By.id("eval-status")).getText().startsWith("24 examples in force"));
        assertTrue(driver.findElement(By.id("eval-box")).isDisplayed());
        Path testSet = resource("console/route-test-set.csv");
        driver.findElement(By.id("eval-file")).sendKeys(testSet.toAbsolutePath().toString());
        driver.findElement(By.id("eval-run")).click();
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> d.findElement(By.tagName("body")).getAttribute("data-evaluated") != null
                || !d.findElement(By.id("status")).getText().isEmpty());
        assertEquals("", driver.findElement(By.id("status")).getText(), "no error on the page");
        assertTrue(driver.findElement(By.id("eval-status")).getText().startsWith("12 test rows (route-test-set.csv), predicted from 24 examples"),
                driver.findElement(By.id("eval-status")).getText());
        assertFalse(driver.findElements(By.cssSelector("#chart-eval canvas")).isEmpty(), "uPlot drew the curve");

        // the table beside the chart is the API's answer for the same test set: each operating point's accuracy and
        // average cost (consecutive points that decide alike share a row), each candidate alone and the oracle
        String answer = admin().contentType("text/csv").body(Files.readString(testSet)).post("/admin/routes/" + ROUTE + "/evaluate")
                .then().statusCode(200).extract().asString();
        JsonPath api = JsonPath.from(answer).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL));
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll('#eval-table tbody tr')].map(r => [r.dataset.point || r.dataset.baseline,"
                + " r.dataset.to || '', r.dataset.accuracy, r.dataset.cost, r.cells[1].textContent])");
        for (List<String> row : rows) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f %%", 100 * Double.parseDouble(row.get(2))), row.get(4), "accuracy shown: " + row);
        }
        List<Map<String, Object>> points = api.getList("points");
        assertTrue(points.size() >= 2, answer);
        Set<String> starts = new java.util.HashSet<>();
        for (Map<String, Object> p : points) {
            BigDecimal at = new BigDecimal(String.valueOf(p.get("operating_point")));
            List<List<String>> in = rows.stream().filter(r -> !r.get(1).isEmpty()
                    && new BigDecimal(r.get(0)).compareTo(at) <= 0 && at.compareTo(new BigDecimal(r.get(1))) <= 0).toList();
            assertEquals(1, in.size(), "one row of the table holds min-quality " + at + ": " + rows);
            assertEquals(List.of(plain(p.get("accuracy")), plain(p.get("avg_cost_usd"))), List.of(plain(in.get(0).get(2)), plain(in.get(0).get(3))),
                    "min-quality " + at + " on the page and in POST /admin/routes/{route}/evaluate");
            starts.add(plain(at));
        }
        List<List<String>> ranges = rows.stream().filter(r -> !r.get(1).isEmpty()).toList();
        assertTrue(ranges.stream().allMatch(r -> starts.contains(plain(r.get(0))) && starts.contains(plain(r.get(1)))), "the rows' bounds are the API's points: " + rows);
        Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
        Map<String, Map<String, Object>> alone = api.getMap("baselines.candidates");
        alone.forEach((model, r) -> expected.put(model, List.of(plain(r.get("accuracy")), plain(r.get("avg_cost_usd")))));
        expected.put("oracle", List.of(plain(api.get("baselines.oracle.accuracy")), plain(api.get("baselines.oracle.avg_cost_usd"))));
        Map<String, List<String>> shown = rows.stream().filter(r -> r.get(1).isEmpty())
                .collect(Collectors.toMap(r -> r.get(0), r -> List.of(plain(r.get(2)), plain(r.get(3)))));
        assertEquals(expected, shown, "the baselines on the page and in POST /admin/routes/{route}/evaluate");
        assertEquals(Set.of("policy-strong", "policy-mid", "policy-local", "oracle"), shown.keySet());
        assertEquals("1", expected.get("oracle").get(0), "the oracle: policy-strong answers every test prompt right");
        assertEquals("0.333333", expected.get("policy-local").get(0), "policy-local alone: the 4 sums of the 12 prompts");
        shoot("routing-evaluation", By.id("eval-box"));
        noBrowserErrors();
    }

    @Test
    @Order(6)
    void theBackendsAndAuditPagesRender() {
        given().header("Authorization", "Bearer " + ALPHA_KEY).contentType("application/json")
                .body("{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"a backend to show\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        open("/console/backends");
        waitFor(By.cssSelector("#backend-rows tr[data-deployment]"));
        shoot("backends");
        open("/console/audit");
        waitLoaded("audit");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("a-action"))).selectByVisibleText("route.update");
        driver.findElement(By.id("audit-apply")).click();
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> {
            List<?> actions = (List<?>) ((JavascriptExecutor) d).executeScript(
                    "return [...document.querySelectorAll('#audit tbody tr')].map(r => r.dataset.action)");
            return !actions.isEmpty() && actions.stream().allMatch("route.update"::equals);
        });
        assertTrue(driver.findElement(By.id("audit")).getText().contains(ROUTE));
        shoot("audit");
        noBrowserErrors();
    }

    @Test
    @Order(7)
    void aChangeWithoutTheCsrfTokenIsRefused() {
        String body = "{\"name\":\"csrf-" + TEAM + "\"}";
        session().contentType("application/json").body(body).post("/console/api/teams").then().statusCode(403)
                .body("error.code", org.hamcrest.Matchers.equalTo("csrf_failed"));
        session().header(ConsoleRoutes.CSRF_HEADER, "not-the-token").contentType("application/json").body(body).post("/console/api/teams")
                .then().statusCode(403);
        admin().get("/admin/teams/csrf-" + TEAM).then().statusCode(404);
        // the browser's own fetch without the header: refused too
        Object status = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/console/api/teams', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: arguments[0]})"
                + ".then(r => done(r.status))", body);
        assertEquals(403L, status);
        // with the page's token, the same change goes through: the refusal was the token's alone
        session().header(ConsoleRoutes.CSRF_HEADER, csrf()).contentType("application/json").body(body).post("/console/api/teams")
                .then().statusCode(201);
        admin().delete("/admin/teams/csrf-" + TEAM).then().statusCode(200);
        drainBrowserLog();
    }

    @Test
    @Order(8)
    void aTeamKeySeesItsOwnTeamOnly() {
        driver.findElement(By.id("sign-out")).click();
        waitFor(By.id("sign-in"));
        signIn(ALPHA_KEY);
        waitLoaded("overview");
        assertEquals("Team alpha (read-only)", driver.findElement(By.id("who")).getText());
        Set<String> teams = driver.findElements(By.cssSelector("#table-team tr[data-team]")).stream()
                .map(e -> e.getAttribute("data-team")).collect(Collectors.toSet());
        assertEquals(Set.of("alpha"), teams);
        Set<String> nav = driver.findElements(By.cssSelector("header nav a")).stream().map(WebElement::getText).collect(Collectors.toSet());
        assertEquals(Set.of("Overview", "Teams"), nav);
        assertFalse(driver.getPageSource().contains("other-team-model"), "no other team's model on the page");
        shoot("team-overview");
        noBrowserErrors();
        open("/console/teams");
        waitLoaded("teams");
        assertEquals(List.of("alpha"), driver.findElements(By.cssSelector("#teams tr[data-team]")).stream().map(e -> e.getAttribute("data-team")).toList());
        assertTrue(driver.findElements(By.id("team-form")).isEmpty(), "no team form in a read-only view");
        shoot("team-teams");
        noBrowserErrors();

        // by direct URL and through the console's API: nothing of another team, nothing to change
        for (String page : List.of("routing", "backends", "audit")) {
            open("/console/" + page);
            assertTrue(driver.getPageSource().contains("Not available"), page);
        }
        Map<String, Long> expected = Map.of("/console/api/teams", 403L, "/console/api/teams/other", 403L, "/console/api/teams/other/keys", 403L,
                "/console/api/audit", 403L, "/console/api/routes", 403L, "/console/api/backends", 403L, "/console/fragments/backends", 403L,
                "/console/api/reports/usage?team=other", 400L, "/console/api/teams/alpha", 200L);
        expected.forEach((path, status) -> assertEquals(status, fetch("GET", path), path));
        assertEquals(403L, fetch("POST", "/console/api/teams/alpha/keys"), "a team session changes nothing, CSRF token or not");
        String report = session().get("/console/api/reports/usage?group_by=team&from=" + SEEDED.toString().substring(0, 10)).then()
                .statusCode(200).extract().asString();
        assertTrue(report.contains("\"alpha\"") && !report.contains("\"other\""), report);
        drainBrowserLog();
    }

    @Test
    @Order(9)
    void aRevokedTeamKeyEndsItsSession() {
        driver.findElement(By.id("sign-out")).click();
        waitFor(By.id("sign-in"));
        String key = admin().body("{\"name\":\"short-lived\"}").post("/admin/teams/alpha/keys").then().statusCode(201).extract().jsonPath().getString("key");
        String id = admin().get("/admin/teams/alpha/keys").then().extract().jsonPath().getString("data.find { it.name == 'short-lived' }.id");
        signIn(key);
        waitLoaded("overview");
        assertEquals(200L, fetch("GET", "/console/api/teams/alpha"));
        admin().delete("/admin/teams/alpha/keys/" + id).then().statusCode(200);
        assertEquals(401L, fetch("GET", "/console/api/teams/alpha"));
        drainBrowserLog();
    }

    // ---- helpers ------------------------------------------------------------------------------------

    static RequestSpecification admin() {
        return given().header("Authorization", ADMIN).contentType("application/json");
    }

    /** A request with the browser's session cookie. */
    static RequestSpecification session() {
        return given().cookie(ConsoleRoutes.COOKIE, driver.manage().getCookieNamed(ConsoleRoutes.COOKIE).getValue());
    }

    /** The sign-in form posted by HTTP: the form's nonce and its cookie, then the key. */
    static Response login(String key, String forwardedProto) {
        Response form = given().get("/console/login");
        Matcher m = NONCE.matcher(form.asString());
        assertTrue(m.find(), form.asString());
        RequestSpecification post = given().redirects().follow(false).cookie(ConsoleRoutes.LOGIN_COOKIE, form.getCookie(ConsoleRoutes.LOGIN_COOKIE))
                .formParam("nonce", m.group(1)).formParam("key", key);
        if (forwardedProto != null) post.header("X-Forwarded-Proto", forwardedProto);
        Response r = post.post("/console/login");
        if (!key.startsWith("frg-not")) assertEquals(303, r.statusCode(), r.asString());
        return r;
    }

    String csrf() {
        Matcher m = CSRF.matcher(driver.getPageSource());
        assertTrue(m.find());
        return m.group(1);
    }

    void open(String path) {
        driver.get(root.toString().replaceAll("/$", "") + path);
    }

    static void signIn(String key) {
        WebElement field = waitFor(By.id("key"));
        field.clear();
        field.sendKeys(key);
        driver.findElement(By.id("sign-in")).click();
    }

    static void type(String id, String text) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(text);
    }

    static String value(String id) {
        return driver.findElement(By.id(id)).getAttribute("value");
    }

    static WebElement waitFor(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    static void waitLoaded(String page) {
        // a navigation can replace the body between finding it and reading it: look again
        new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> page.equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
    }

    /** The model explain chooses for the test route, sent as the team e2e, from the page's explain box. */
    static String explained() {
        String before = driver.findElement(By.tagName("body")).getAttribute("data-explained");
        type("x-team", "e2e");
        WebElement request = driver.findElement(By.id("x-request"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1]", request,
                "{\"model\": \"" + ROUTE + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}");
        driver.findElement(By.id("explain-run")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            String now = d.findElement(By.tagName("body")).getAttribute("data-explained");
            return now != null && !now.equals(before);
        });
        String summary = driver.findElement(By.id("explain-summary")).getText();
        Matcher m = Pattern.compile("chooses (\\S+)").matcher(summary);
        assertTrue(m.find(), summary);
        List<WebElement> kept = driver.findElements(By.cssSelector("#explain tr.kept"));
        assertFalse(kept.isEmpty(), summary);
        assertEquals(m.group(1), kept.get(0).getAttribute("data-model"), "the first kept candidate is the choice");
        return m.group(1);
    }

    /** A test resource's file (the browser uploads it from there). */
    Path resource(String name) throws Exception {
        return Path.of(getClass().getClassLoader().getResource(name).toURI());
    }

    /** A number as the page's data attribute or the API's JSON has it, written plainly: 0.5, 1e-7 and 1.0E-7 alike. */
    static String plain(Object number) {
        String s = String.valueOf(number);
        if (!s.matches("-?[0-9.]+([eE][-+]?[0-9]+)?")) return s;
        BigDecimal d = new BigDecimal(s).stripTrailingZeros();
        return (d.scale() < 0 ? d.setScale(0) : d).toPlainString();
    }

    /** The status of a request the page makes itself (its cookie; its CSRF token on a change). */
    Long fetch(String method, String path) {
        return (Long) ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const token = document.querySelector('meta[name=\"csrf-token\"]');"
                + "fetch(arguments[1], {method: arguments[0], headers: token ? {'X-CSRF-Token': token.content, 'Content-Type': 'application/json'} : {},"
                + " body: arguments[0] === 'GET' ? undefined : '{}'}).then(r => done(r.status))", method, path);
    }

    /** A screenshot of the page at a laptop's width, then a phone's. */
    static void shoot(String name) {
        shoot(name, null);
    }

    /** A screenshot of the page at a laptop's width, then a phone's, scrolled to show {@code focus} when given. */
    static void shoot(String name, By focus) {
        try {
            for (var size : List.of(Map.entry("laptop", new Dimension(1280, 900)), Map.entry("phone", new Dimension(390, 844)))) {
                driver.manage().window().setSize(size.getValue());
                if (focus != null) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", driver.findElement(focus));
                Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
                Files.copy(png, SHOTS.resolve(name + "-" + size.getKey() + ".png"), StandardCopyOption.REPLACE_EXISTING);
                Object wider = ((JavascriptExecutor) driver).executeScript(
                        "const w = document.documentElement.clientWidth;"
                        + "if (document.documentElement.scrollWidth <= w + 1) return null;"
                        + "return [...document.querySelectorAll('body *')].filter(e => !e.closest('.scroll, .chart, pre')"
                        + " && e.getBoundingClientRect().right > w + 1).slice(0, 5)"
                        + ".map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')");
                assertNull(wider, name + " at " + size.getKey() + " width is wider than the screen: " + wider);
            }
            driver.manage().window().setSize(new Dimension(1280, 900));
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot save the screenshot " + name, e);
        }
    }

    static void noBrowserErrors() {
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::toString).toList();
        assertTrue(errors.isEmpty(), "the browser logged: " + errors);
    }

    /** Reads the browser's log, dropping what the refusals this test provoked wrote to it. */
    static void drainBrowserLog() {
        driver.manage().logs().get(LogType.BROWSER);
    }
}
