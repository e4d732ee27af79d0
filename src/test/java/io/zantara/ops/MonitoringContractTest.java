package io.zantara.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.zantara.testing.Metrics;
import io.zantara.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every zantara_* metric that an alert or a dashboard panel queries is one the running service
 * exports, checked against a live scrape after a little traffic.
 */
@QuarkusTest
class MonitoringContractTest {

    private static final Pattern METRIC = Pattern.compile("zantara_[a-z_]+");

    @Test
    void everyMetricInTheAlertsAndTheDashboard_isExportedByTheService() throws IOException {
        driveTraffic();
        String exposition = Metrics.scrape();
        Set<String> queried = new TreeSet<>();
        queried.addAll(metricsIn(Path.of("config/prometheus/alerts.yml")));
        queried.addAll(metricsIn(Path.of("config/grafana/dashboards/lock-contention-dashboard.json")));
        assertTrue(queried.size() > 10, "found too few metric names: " + queried);

        Set<String> missing = new TreeSet<>();
        for (String metric : queried) {
            boolean exported = exposition.lines().anyMatch(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "));
            if (!exported) {
                missing.add(metric);
            }
        }
        assertEquals(Set.of(), missing, "queried by alerts or dashboard but not exported");
    }

    private static void driveTraffic() {
        String user = "contract-" + UUID.randomUUID() + "@example.com";
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).contentType(ContentType.JSON)
                .body("{\"facts\": [{\"content\": \"x\"}]}").when().post("/api/memory/facts").then().statusCode(200);
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).contentType(ContentType.JSON)
                .body("{\"documents\": [{\"content\": \"x\"}]}").when().post("/api/collections/contract/documents").then().statusCode(200);
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).contentType(ContentType.JSON)
                .body("{\"content\": \"contract " + UUID.randomUUID() + "\"}").when().post("/api/collective-memory/contribute").then().statusCode(200);
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).contentType(ContentType.JSON)
                .body("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}").when().post("/api/conversations/save")
                .then().statusCode(201);
    }

    /** Metric names as queried, with histogram suffixes kept (_bucket, _sum, _count are series of their own). */
    private static Set<String> metricsIn(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(Files.readString(file));
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }
}
