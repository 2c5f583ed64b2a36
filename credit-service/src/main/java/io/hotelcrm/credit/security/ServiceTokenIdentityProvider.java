package io.hotelcrm.credit.security;

import io.hotelcrm.platform.security.Roles;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Service tokens (design.md §6): the AI gateway signs its own, under its own issuer
 * ({@code service-token.issuer}), with a key pair of its own. A token naming that issuer is verified here
 * against the gateway's public keys only ({@code service-token.public-key-locations}: two during a
 * rollover) and grants the {@code service} role and nothing else, whatever its groups say. Every other
 * token goes on to the identity provider's validator (smallrye-jwt's, which only knows the identity
 * provider's key and issuer), and {@link ServiceRoleAugmentor} takes {@code service} away from those —
 * so the internal API accepts only the gateway, and the gateway's key opens no public API.
 */
@ApplicationScoped
public class ServiceTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** Marks identities proven by a service token. */
    public static final String SERVICE_TOKEN = "aicredit.service-token";

    private final JWTParser parser;
    private final String issuer;
    private final List<JWTAuthContextInfo> keys = new ArrayList<>();

    public ServiceTokenIdentityProvider(JWTParser parser, @ConfigProperty(name = "service-token.issuer") String issuer,
                                        @ConfigProperty(name = "service-token.public-key-locations") List<String> locations) {
        this.parser = parser;
        this.issuer = issuer;
        for (String location : locations) {
            try {
                JWTAuthContextInfo info = new JWTAuthContextInfo(KeyUtils.decodePublicKey(Files.readString(Path.of(location.trim()))), issuer);
                info.setGroupsPath("groups");
                keys.add(info);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("service-token.public-key-locations: cannot read a public key from " + location, e);
            }
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before smallrye-jwt's validator, which would refuse the gateway's tokens outright. */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        JsonWebToken known = verified.get(token);
        if (known != null && known.getExpirationTime() > System.currentTimeMillis() / 1000) {
            return Uni.createFrom().item(identity(known, request));
        }
        if (!mayBeOurs(token) || !issuer.equals(unverifiedIssuer(token))) {
            return Uni.createFrom().nullItem(); // not ours: the identity provider's validator decides
        }
        for (JWTAuthContextInfo key : keys) {
            try {
                JsonWebToken jwt = parser.parse(token, key);
                remember(token, jwt);
                return Uni.createFrom().item(identity(jwt, request));
            } catch (ParseException e) {
                // not this key (or expired): try the next one of a rollover
            }
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("service token not signed by a trusted key"));
    }

    /**
     * Verified service tokens until they expire. The gateway reuses its token for minutes, so this spares
     * an RSA verification per call (a third of credit-service's CPU on the hold API, measured); the same
     * string verifies the same way until its expiry.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, JsonWebToken> verified =
            new java.util.concurrent.ConcurrentHashMap<>();

    private void remember(String token, JsonWebToken jwt) {
        if (verified.size() >= 1_000) { // a handful of gateway replicas and rollovers: never many
            verified.clear();
        }
        verified.put(token, jwt);
    }

    private static SecurityIdentity identity(JsonWebToken jwt, TokenAuthenticationRequest request) {
        boolean service = jwt.getGroups() != null && jwt.getGroups().contains(Roles.SERVICE);
        return QuarkusSecurityIdentity.builder().setPrincipal(jwt).addCredential(request.getToken())
                .addRoles(service ? Set.of(Roles.SERVICE) : Set.of()).addAttribute(SERVICE_TOKEN, Boolean.TRUE).build();
    }

    /** A cheap look at the payload before parsing it: the identity provider's tokens never name our issuer. */
    private boolean mayBeOurs(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0) {
            return false;
        }
        try {
            String payload = new String(java.util.Base64.getUrlDecoder().decode(token.substring(first + 1, second)),
                    java.nio.charset.StandardCharsets.UTF_8);
            return payload.contains(issuer.replace("/", "\\/")) || payload.contains(issuer);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String unverifiedIssuer(String token) {
        try {
            return parser.parseOnly(token).getIssuer();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
