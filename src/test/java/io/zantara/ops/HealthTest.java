package io.zantara.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.zantara.testing.EmbeddedRedisControl;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@QuarkusTest
class HealthTest {

    @Test
    void ready_withBothBackends_isUp() {
        given().when().get("/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItem("Redis connection health check"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"));
    }

    @Test
    void live_isUp() {
        given().when().get("/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void ready_whileRedisIsStopped_is503NamingRedis_andUpAgainAfterRestart() throws IOException {
        assumeTrue(EmbeddedRedisControl.port().isPresent(), "only with the embedded Redis: an external one is not ours to stop");
        EmbeddedRedisControl.stop();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/health/ready")
                    .then().statusCode(503)
                    .body("status", is("DOWN"))
                    .body("checks.find { it.name == 'Redis connection health check' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'Reactive PostgreSQL connections health check' }.status", is("UP")));
        } finally {
            EmbeddedRedisControl.start();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/health/ready")
                .then().statusCode(200).body("status", is("UP")));
        given().when().get("/health/live").then().statusCode(200);
    }
}
