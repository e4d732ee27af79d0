package io.zantara.collective;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zantara.testing.Metrics;
import io.zantara.testing.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class CollectiveMemoryResourceTest {

    @Inject
    Pool pool;

    private final String fact = "Nyepi closes Bali airport for a day " + UUID.randomUUID();

    private static io.restassured.response.ValidatableResponse contribute(String email, String content) {
        return given().header("Authorization", Tokens.bearer(Tokens.user(email))).contentType(ContentType.JSON)
                .body("{\"content\": \"" + content + "\"}")
                .when().post("/api/collective-memory/contribute").then();
    }

    @Test
    void contributions_ofDistinctUsers_countOnceEach_andPromoteAtThree() {
        contribute("a@example.com", fact).statusCode(200).body("status", is("created")).body("source_count", is(1)).body("is_promoted", is(false));
        contribute("a@example.com", fact.toUpperCase()).statusCode(200).body("status", is("already_contributed")).body("source_count", is(1));
        contribute("b@example.com", fact).statusCode(200).body("status", is("confirmed")).body("source_count", is(2)).body("is_promoted", is(false));
        contribute("c@example.com", fact).statusCode(200).body("status", is("confirmed")).body("source_count", is(3)).body("is_promoted", is(true));
        contribute("d@example.com", fact).statusCode(200).body("source_count", is(4)).body("is_promoted", is(true));
    }

    /** Ten contributions at once by three users, some repeated: one memory, three sources, one promotion. */
    @Test
    void tenConcurrentContributions_byThreeUsers_makeOneMemoryPromotedOnce() throws Exception {
        double promotionsBefore = Metrics.value(Metrics.scrape(), "zantara_collective_promotions_total").orElse(0.0);
        String[] users = {"x@example.com", "y@example.com", "z@example.com"};
        ExecutorService clients = Executors.newFixedThreadPool(10);
        List<String> statuses = new ArrayList<>();
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String user = users[i % users.length];
                answers.add(clients.submit(() -> contribute(user, fact).statusCode(200).extract().path("status")));
            }
            for (Future<String> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }

        Row memory = pool.preparedQuery("""
                        SELECT count(*) OVER () AS rows, source_count, is_promoted, promoted_at,
                               (SELECT count(*) FROM collective_contributions c WHERE c.memory_id = m.id) AS contributors
                        FROM collective_memories m WHERE content = $1""")
                .execute(Tuple.of(fact)).await().atMost(Duration.ofSeconds(5)).iterator().next();
        assertEquals(1, memory.getLong("rows"));
        assertEquals(3, memory.getInteger("source_count"));
        assertEquals(3, memory.getLong("contributors"));
        assertTrue(memory.getBoolean("is_promoted"));
        assertEquals(1, statuses.stream().filter("created"::equals).count(), statuses.toString());
        assertEquals(2, statuses.stream().filter("confirmed"::equals).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter("already_contributed"::equals).count(), statuses.toString());
        assertEquals(promotionsBefore + 1, Metrics.value(Metrics.scrape(), "zantara_collective_promotions_total").orElseThrow());
    }

    @Test
    void badInput_is400() {
        contribute("a@example.com", "").statusCode(400).body("errors.field", hasItem("content"));
        given().contentType(ContentType.JSON).body("{\"content\": \"x\"}").when().post("/api/collective-memory/contribute")
                .then().statusCode(401);
    }
}
