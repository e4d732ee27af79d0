package io.zantara.testing;

import io.smallrye.jwt.build.Jwt;

import java.util.Set;

/** Bearer tokens signed with the test key (src/test/resources/jwt), as the identity provider would. */
public final class Tokens {

    public static final String ISSUER = "https://auth.zantara.io";
    public static final String AUDIENCE = "zantara-backend";

    private Tokens() {
    }

    public static String user(String email) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("sub-" + email).claim("email", email)
                .groups(Set.of("user")).sign();
    }

    public static String admin(String email) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("sub-" + email).claim("email", email)
                .groups(Set.of("user", "admin")).sign();
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
