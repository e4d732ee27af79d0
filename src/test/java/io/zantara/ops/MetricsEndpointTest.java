package io.zantara.ops;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class MetricsEndpointTest {

    @Test
    void metrics_atRootPath_servesPrometheusTextWithJvmAndHttpMetrics() {
        given().when().get("/health/live").then().statusCode(200);

        given().accept("text/plain").when().get("/metrics")
                .then().statusCode(200)
                .contentType(startsWith("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("http_server_requests_seconds_count"));
    }
}
