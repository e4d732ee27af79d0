package io.zantara.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import io.zantara.testing.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The service and a real Prometheus (Debian's) on loopback: Prometheus scrapes /metrics every
 * second with the alert rules loaded (a copy whose `for` is 5 s); traffic causes memory and
 * collection lock timeouts; the guide's queries must return data and MemoryLockTimeouts must go
 * pending or firing. Skipped where no prometheus binary is installed (.ci/run installs it).
 */
@QuarkusTest
class PrometheusEndToEndTest {

    @Inject
    LockManager locks;

    @TestHTTPResource("/")
    URL service;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process prometheus;
    private Path workDir;

    @AfterEach
    void stopPrometheus() throws IOException, InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
        if (workDir != null) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void guideQueriesReturnData_andMemoryLockTimeoutsAlerts() throws Exception {
        assumeTrue(onPath("prometheus"), "no prometheus binary here");
        int port = startPrometheus();
        String user = "e2e-" + UUID.randomUUID() + "@example.com";
        String collection = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        CompletableFuture<String> release = new CompletableFuture<>();
        hold(user, collection, release);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                causeTimeouts(user, collection);
                assertHasData(port, "rate(zantara_memory_lock_timeout_total[5m])");
                assertHasData(port, "rate(zantara_memory_lock_contention_seconds_sum[5m]) / rate(zantara_memory_lock_contention_seconds_count[5m])");
                assertHasData(port, "rate(zantara_collection_lock_timeout_total[5m])");
                assertHasData(port, "rate(zantara_memory_lock_contention_seconds_bucket[5m])");
                assertHasData(port, "topk(10, sum by (user_id) (rate(zantara_memory_lock_contention_seconds_sum[5m])))");
                assertHasData(port, "rate(zantara_cache_db_consistency_errors_total[5m])");
                assertHasData(port, "max(zantara_conversation_outbox_oldest_seconds)");
                assertHasData(port, "max(zantara_conversation_outbox_pending)");
                JsonNode top = query(port, "topk(10, sum by (user_id) (rate(zantara_memory_lock_timeout_total[5m])))");
                assertTrue(top.findValuesAsText("user_id").contains(user), "top users: " + top);
                JsonNode alerts = get(port, "/api/v1/alerts").path("data").path("alerts");
                boolean alerting = false;
                for (JsonNode alert : alerts) {
                    String state = alert.path("state").asText();
                    alerting |= "MemoryLockTimeouts".equals(alert.path("labels").path("alertname").asText())
                            && ("pending".equals(state) || "firing".equals(state));
                }
                assertTrue(alerting, "MemoryLockTimeouts not pending or firing: " + alerts);
            });
        } finally {
            release.complete("done");
        }
    }

    private void hold(String user, String collection, CompletableFuture<String> release) {
        locks.memory().withLock(user, LockMode.EXCLUSIVE, "e2e_hold", () -> Uni.createFrom().completionStage(release))
                .subscribe().with(ignored -> { });
        locks.collection().withLock(collection, LockMode.EXCLUSIVE, "e2e_hold", () -> Uni.createFrom().completionStage(release))
                .subscribe().with(ignored -> { });
    }

    private static void causeTimeouts(String user, String collection) {
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).contentType(ContentType.JSON)
                .body("{\"facts\": [{\"content\": \"blocked\"}]}").when().post("/api/memory/facts").then().statusCode(503);
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).contentType(ContentType.JSON)
                .body("{\"documents\": [{\"content\": \"blocked\"}]}").when().post("/api/collections/" + collection + "/documents")
                .then().statusCode(503);
    }

    private int startPrometheus() throws IOException {
        workDir = Files.createTempDirectory("zantara-prometheus-");
        String rules = Files.readString(Path.of("config/prometheus/alerts.yml")).replaceAll("for: \\d+m", "for: 5s");
        Files.writeString(workDir.resolve("alerts.yml"), rules);
        Files.writeString(workDir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [alerts.yml]
                scrape_configs:
                  - job_name: zantara-backend
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(service.getPort()));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + workDir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + workDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(workDir.resolve("prometheus.log").toFile()).start();
        int listening = port;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(listening, "/-/ready") != null);
        return port;
    }

    private void assertHasData(int port, String promql) throws IOException, InterruptedException {
        JsonNode result = query(port, promql);
        assertTrue(result.isArray() && !result.isEmpty(), "no data for " + promql);
    }

    private JsonNode query(int port, String promql) throws IOException, InterruptedException {
        return get(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
    }

    private JsonNode get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + " answered " + response.statusCode());
        }
        return path.startsWith("/api/") ? json.readTree(response.body()) : json.createObjectNode();
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
