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
        if (!issuer.equals(unverifiedIssuer(token))) {
            return Uni.createFrom().nullItem(); // not ours: the identity provider's validator decides
        }
        for (JWTAuthContextInfo key : keys) {
            try {
                JsonWebToken jwt = parser.parse(token, key);
                boolean service = jwt.getGroups() != null && jwt.getGroups().contains(Roles.SERVICE);
                return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(jwt)
                        .addCredential(request.getToken()).addRoles(service ? Set.of(Roles.SERVICE) : Set.of())
                        .addAttribute(SERVICE_TOKEN, Boolean.TRUE).build());
            } catch (ParseException e) {
                // not this key (or expired): try the next one of a rollover
            }
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("service token not signed by a trusted key"));
    }

    private String unverifiedIssuer(String token) {
        try {
            return parser.parseOnly(token).getIssuer();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
