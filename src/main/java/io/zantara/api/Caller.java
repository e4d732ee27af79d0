package io.zantara.api;

import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling: the {@code email} claim of the verified bearer token, else its {@code sub}.
 * Never taken from the body or the query.
 */
@RequestScoped
public class Caller {

    private final JsonWebToken token;

    public Caller(JsonWebToken token) {
        this.token = token;
    }

    public String userId() {
        String email = token.getClaim("email");
        if (email != null && !email.isBlank()) {
            return email;
        }
        String subject = token.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new UnauthorizedException("the token names no user (no email, no sub)");
        }
        return subject;
    }
}
