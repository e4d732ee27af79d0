package io.zantara.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.zantara.api.Problem;
import io.zantara.testing.Tokens;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
class SlowQueriesResourceTest {

    @Test
    void admin_getsTheSlowestStatements_namingTheSource() {
        String expected = System.getProperty("zantara.embedded.postgres.port") != null ? "pg_stat_statements" : null;
        var answer = given().header("Authorization", Tokens.bearer(Tokens.admin("ops@example.com")))
                .when().get("/api/debug/postgres/slow-queries?limit=5")
                .then().statusCode(200)
                .body("source", anyOf(is("pg_stat_statements"), is("pg_stat_activity")))
                .body("queries", notNullValue());
        if (expected != null) {
            // The embedded server preloads the extension, and the tests have run statements by now.
            answer.body("source", is(expected)).body("queries[0].calls", notNullValue());
        }
    }

    @Test
    void nonAdmin_is403_andABadLimit400() {
        given().header("Authorization", Tokens.bearer(Tokens.user("plain@example.com")))
                .when().get("/api/debug/postgres/slow-queries")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        given().header("Authorization", Tokens.bearer(Tokens.admin("ops@example.com")))
                .when().get("/api/debug/postgres/slow-queries?limit=0")
                .then().statusCode(400);
    }
}
