package io.hotelcrm.gateway.credit;

import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bearer token the gateway shows credit-service: signed with the gateway's own key under its own
 * issuer ({@code smallrye.jwt.sign.key.location}, {@code smallrye.jwt.new-token.issuer}), group
 * {@code service} only. Signing RS256 costs about a millisecond, so one token is reused until a fifth
 * of its lifespan is left and then replaced.
 */
@ApplicationScoped
public class ServiceToken {

    public static final String SUBJECT = "ai-gateway-service";

    /** Wall-clock time, not the service's injectable clock: credit-service checks iat and exp against its own. */
    private final Clock clock = Clock.systemUTC();
    private final long lifespanSeconds;
    private volatile Signed current;

    public ServiceToken(@ConfigProperty(name = "smallrye.jwt.new-token.lifespan") long lifespanSeconds) {
        this.lifespanSeconds = lifespanSeconds;
    }

    public String bearer() {
        Signed token = current;
        Instant now = clock.instant();
        if (token == null || !now.isBefore(token.renewAt())) {
            token = sign(now);
            current = token; // two threads may both sign near renewal: harmless, both tokens are valid
        }
        return token.bearer();
    }

    private Signed sign(Instant now) {
        Instant expires = now.plusSeconds(lifespanSeconds);
        String jwt = Jwt.subject(SUBJECT).groups(Set.of("service")).issuedAt(now).expiresAt(expires).sign();
        return new Signed("Bearer " + jwt, now.plusSeconds(lifespanSeconds * 4 / 5));
    }

    private record Signed(String bearer, Instant renewAt) {
    }
}
