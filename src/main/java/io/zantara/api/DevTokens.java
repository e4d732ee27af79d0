package io.zantara.api;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;

/**
 * Dev mode only: prints a day-long token for a dev user and one for a dev admin, signed with the
 * dev key (config/dev/jwt), so that the API can be tried with curl at once.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevTokens {

    private static final Logger LOG = Logger.getLogger(DevTokens.class);

    void print(@Observes StartupEvent started,
               @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer,
               @ConfigProperty(name = "mp.jwt.verify.audiences") String audience) {
        String user = token(issuer, audience, "dev.user@zantara.local", Set.of("user"));
        String admin = token(issuer, audience, "dev.admin@zantara.local", Set.of("user", "admin"));
        LOG.infof("%n  Dev user token:  %s%n  Dev admin token: %s%n  e.g. curl -H \"Authorization: Bearer $TOKEN\" localhost:8080/api/memory/context",
                user, admin);
    }

    private static String token(String issuer, String audience, String email, Set<String> groups) {
        return Jwt.issuer(issuer).audience(audience).subject(email).claim("email", email).groups(groups)
                .expiresIn(Duration.ofDays(1)).sign();
    }
}
