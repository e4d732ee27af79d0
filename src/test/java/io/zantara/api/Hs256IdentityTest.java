package io.zantara.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.zantara.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

/** Tokens signed with a shared HS256 secret, configured as a JWK set instead of an RSA public key. */
@QuarkusTest
@TestProfile(Hs256IdentityTest.Hs256.class)
class Hs256IdentityTest {

    static final String SECRET = "zantara-test-hs256-secret-0123456789abcdef";

    public static class Hs256 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smallrye.jwt.verify.key.location", "jwt/hs256.jwk",
                    "smallrye.jwt.verify.algorithm", "HS256");
        }
    }

    @Test
    void hs256Token_isAccepted_andAnRs256OneIsNot() {
        String token = Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("hs@example.com")
                .jws().keyId("test-hs256").signWithSecret(SECRET);

        given().header("Authorization", Tokens.bearer(token)).when().get("/api/memory/context")
                .then().statusCode(200).body("has_data", is(false));
        given().header("Authorization", Tokens.bearer(Tokens.user("rs@example.com"))).when().get("/api/memory/context")
                .then().statusCode(401);
    }
}
