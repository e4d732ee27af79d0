package io.zantara.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class ProblemJsonTest {

    @Test
    void post_malformedJson_is400Problem() {
        given().contentType(ContentType.JSON).body("{\"items\": [")
                .when().post("/test-probe")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", is("urn:zantara:problem:malformed-json"))
                .body("status", is(400))
                .body("instance", is("/test-probe"));
    }

    @Test
    void post_invalidFields_is400NamingEachField() {
        given().contentType(ContentType.JSON).body("{\"items\": [{\"content\": \"ok\"}, {\"content\": \"\"}, {\"content\": \"far too long\"}]}")
                .when().post("/test-probe")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", is("urn:zantara:problem:validation"))
                .body("errors.field", hasItem("items[1].content"))
                .body("errors.field", hasItem("items[2].content"));
    }

    @Test
    void post_emptyBody_is400Problem() {
        given().contentType(ContentType.JSON).body("")
                .when().post("/test-probe")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", is(400));
    }

    @Test
    void post_wrongType_is400NamingTheField() {
        given().contentType(ContentType.JSON).body("{\"items\": {\"content\": 5}}")
                .when().post("/test-probe")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", is("items"))
                .body("errors[0].message", is("must be an array"));
    }

    @Test
    void post_numberForText_is400SayingWhatWasExpected() {
        given().contentType(ContentType.JSON).body("{\"items\": [{\"content\": 5}]}")
                .when().post("/test-probe")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", is("items[0].content"))
                .body("errors[0].message", is("must be a string"));
    }

    @Test
    void post_unknownField_is400NamingTheField() {
        given().contentType(ContentType.JSON).body("{\"items\": [{\"content\": \"ok\", \"colour\": \"red\"}]}")
                .when().post("/test-probe")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", is("items[0].colour"))
                .body("errors[0].message", is("unknown field"));
    }

    @Test
    void get_queryParameterOverMax_is400NamingTheParameter() {
        given().when().get("/test-probe/limited?limit=101")
                .then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", is("limit"));
    }

    @Test
    void get_unknownPath_is404Problem() {
        given().when().get("/no/such/thing")
                .then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", is("urn:zantara:problem:not-found"))
                .body("instance", is("/no/such/thing"));
    }

    @Test
    void delete_onPostOnlyPath_is405Problem() {
        given().when().delete("/test-probe")
                .then().statusCode(405)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", is("urn:zantara:problem:method-not-allowed"));
    }

    @Test
    void post_xmlBody_is415Problem() {
        given().contentType(ContentType.XML).body("<items/>")
                .when().post("/test-probe")
                .then().statusCode(415)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", is(415));
    }

    @Test
    void post_bodyOverLimit_is413Problem() {
        String huge = "{\"items\": [{\"content\": \"" + "x".repeat(1024 * 1024) + "\"}]}";
        given().contentType(ContentType.JSON).body(huge)
                .when().post("/test-probe")
                .then().statusCode(413)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", is("urn:zantara:problem:payload-too-large"));
    }

    /** Without a Content-Length the limit cannot be checked up front: the bytes are counted as they are read. */
    @Test
    void post_chunkedBodyOverLimit_is413Problem() {
        given().contentType(ContentType.JSON).body(chunked("{\"items\": [" + " ".repeat(1024 * 1024) + "{\"content\": \"ok\"}]}"))
                .when().post("/test-probe")
                .then().statusCode(413)
                .contentType(Problem.MEDIA_TYPE)
                .header("Connection", "close")
                .body("type", is("urn:zantara:problem:payload-too-large"))
                .body("detail", containsString("1048576 bytes"));
    }

    @Test
    void post_chunkedBodyWithinLimit_isAccepted() {
        given().contentType(ContentType.JSON).body(chunked("{\"items\": [" + " ".repeat(512 * 1024) + "{\"content\": \"ok\"}]}"))
                .when().post("/test-probe")
                .then().statusCode(200)
                .body(is("1"));
    }

    @Test
    void get_failingUnexpectedly_is500WithCorrelationIdAndNoInternals() {
        given().when().get("/test-probe/boom")
                .then().statusCode(500)
                .contentType(Problem.MEDIA_TYPE)
                .body("correlation_id", notNullValue())
                .body(not(containsString("secret internal detail")))
                .body(not(containsString("IllegalStateException")))
                .body(not(containsString("at io.zantara")));
    }

    @Test
    void post_validBody_isAccepted() {
        given().contentType(ContentType.JSON).body("{\"items\": [{\"content\": \"ok\"}]}")
                .when().post("/test-probe")
                .then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body(is("1"));
    }

    /** A body of unknown length: REST Assured sends a stream chunked, without Content-Length. */
    private static InputStream chunked(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }
}
