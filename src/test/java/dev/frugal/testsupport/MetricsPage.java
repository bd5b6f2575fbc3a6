package dev.frugal.testsupport;

import static io.restassured.RestAssured.given;

/**
 * The gateway's Prometheus page ({@code /q/metrics}) at one moment, read as numbers. Every
 * {@code @QuarkusTest} of the JVM shares one registry, so a series that merely exists may come
 * from an earlier test: read it before the request and after, and assert the difference.
 */
public record MetricsPage(String text) {

    /** The page now (200 expected). */
    public static MetricsPage scrape() {
        return new MetricsPage(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /**
     * The sum of the samples named {@code name}, as Prometheus writes it ({@code frugal_requests_total}),
     * whose labels include each of {@code labels} (written as on the page: {@code team="alpha"}); 0 when none.
     */
    public double value(String name, String... labels) {
        double sum = 0;
        for (String line : text.lines().toList()) {
            if (!line.startsWith(name)) continue;
            int open = line.indexOf('{'), close = line.lastIndexOf('}');
            String sampleName = open < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, open);
            if (!sampleName.equals(name)) continue;
            String sampleLabels = open < 0 ? "" : "," + line.substring(open + 1, close) + ",";
            boolean all = true;
            for (String l : labels) all &= sampleLabels.contains("," + l + ",");
            if (all) sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }
}
