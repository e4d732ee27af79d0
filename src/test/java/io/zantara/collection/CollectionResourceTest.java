package io.zantara.collection;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zantara.api.Problem;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import io.zantara.testing.Metrics;
import io.zantara.testing.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class CollectionResourceTest {

    @Inject
    LockManager locks;

    @Inject
    Pool pool;

    private final String collection = "docs-" + UUID.randomUUID().toString().substring(0, 8);

    private static RequestSpecification caller() {
        return given().header("Authorization", Tokens.bearer(Tokens.user("reader@example.com"))).contentType(ContentType.JSON);
    }

    @Test
    void ingest_thenSearch_findsRankedContent_andAReplayChangesNothing() {
        String batch = """
                {"documents": [
                  {"id": "visa", "content": "Bali visa on arrival costs 500000 rupiah", "metadata": {"lang": "en"}},
                  {"id": "tax", "content": "Company tax in Indonesia is 22 percent"},
                  {"content": "A visa extension takes five working days"}
                ]}""";
        caller().body(batch).when().post("/api/collections/" + collection + "/documents")
                .then().statusCode(200)
                .body("collection", is(collection))
                .body("documents_ingested", is(3))
                .body("documents_unchanged", is(0));
        caller().body(batch).when().post("/api/collections/" + collection + "/documents")
                .then().statusCode(200)
                .body("documents_ingested", is(0))
                .body("documents_unchanged", is(3));

        caller().when().get("/api/collections/" + collection + "/search?q=visa")
                .then().statusCode(200)
                .body("results", hasSize(2))
                .body("results.id", hasItem("visa"))
                .body("results.find { it.id == 'visa' }.metadata.lang", is("en"))
                .body("results[0].snippet", containsString("visa"));
    }

    @Test
    void concurrentIngests_ofTheSameIds_keepOneRowPerId() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int r = 0; r < 16; r++) {
                int round = r;
                answers.add(clients.submit(() -> caller()
                        .body("{\"documents\": [{\"id\": \"a\", \"content\": \"alpha version " + round % 3 + "\"},"
                                + " {\"id\": \"b\", \"content\": \"beta\"}]}")
                        .when().post("/api/collections/" + collection + "/documents").then().extract().statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }

        long rows = pool.preparedQuery("SELECT count(*) AS n FROM collection_documents WHERE collection = $1")
                .execute(Tuple.of(collection)).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong("n");
        assertEquals(2, rows);
        caller().when().get("/api/collections/" + collection + "/search?q=beta").then().body("results.id", hasItem("b"));
    }

    @Test
    void ingest_whileTheCollectionIsLocked_is503_andCountedForThatCollection() {
        CompletableFuture<String> held = new CompletableFuture<>();
        locks.collection().withLock(collection, LockMode.EXCLUSIVE, "test_ingest", () -> Uni.createFrom().completionStage(held))
                .subscribe().with(ignored -> { });
        try {
            caller().body("{\"documents\": [{\"content\": \"x\"}]}").when().post("/api/collections/" + collection + "/documents")
                    .then().statusCode(503)
                    .body("type", is("urn:zantara:problem:lock-timeout"))
                    .body("family", is("collection"));
        } finally {
            held.complete("done");
        }
        assertEquals(Optional.of(1.0), Metrics.value(Metrics.scrape(), "zantara_collection_lock_timeout_total",
                "collection_name", collection, "operation", "ingest"));
    }

    /** 500 documents may be 100 KiB each: such a batch passes the 1 MiB limit of other routes. */
    @Test
    void ingest_batchOfLargeDocumentsOverOneMebibyte_isAccepted() {
        StringBuilder batch = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < 14; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"id\": \"big-").append(i).append("\", \"content\": \"")
                    .append(("word" + i + " ").repeat(102_400 / 7)).append("\"}");
        }
        String body = batch.append("]}").toString();
        assertTrue(body.length() > 1024 * 1024);
        caller().body(body).when().post("/api/collections/" + collection + "/documents")
                .then().statusCode(200).body("documents_ingested", is(14));
    }

    @Test
    void badInput_is400() {
        caller().body("{\"documents\": [{\"content\": \"x\"}]}").when().post("/api/collections/Bad Name!/documents")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        caller().body("{\"documents\": [{\"content\": \"x\"}]}").when().post("/api/collections/" + "a".repeat(65) + "/documents")
                .then().statusCode(400);
        StringBuilder many = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append("{\"content\": \"d").append(i).append("\"}");
        }
        caller().body(many.append("]}").toString()).when().post("/api/collections/" + collection + "/documents")
                .then().statusCode(400).body("errors.field", hasItem("documents"));
        caller().body("{\"documents\": [{\"content\": \"" + "x".repeat(102_401) + "\"}]}")
                .when().post("/api/collections/" + collection + "/documents")
                .then().statusCode(400).body("errors.field", hasItem("documents[0].content"));
        caller().when().get("/api/collections/" + collection + "/search").then().statusCode(400).body("errors[0].field", is("q"));
        given().when().get("/api/collections/" + collection + "/search?q=x").then().statusCode(401);
    }
}
