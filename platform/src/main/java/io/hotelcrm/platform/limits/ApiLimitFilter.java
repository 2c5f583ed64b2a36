package io.hotelcrm.platform.limits;

import io.hotelcrm.platform.logging.RequestIds;
import io.hotelcrm.platform.security.Caller;
import io.hotelcrm.platform.security.Roles;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Applies the API limits to the public requests of a tenant's users. It runs after Quarkus' security checks, so an
 * unauthenticated or forbidden request is answered before it counts; a {@code service} caller (our own services),
 * a token without a valid tenant, and every path no group names (internal APIs, health, metrics, OpenAPI, which
 * the default rules never name) pass uncounted.
 */
public class ApiLimitFilter {

    private final ApiLimiter limiter;
    private final CurrentIdentityAssociation identity;

    public ApiLimitFilter(ApiLimiter limiter, CurrentIdentityAssociation identity) {
        this.limiter = limiter;
        this.identity = identity;
    }

    @ServerRequestFilter(priority = Priorities.USER)
    public Uni<Void> limit(ContainerRequestContext request) {
        List<ApiLimiter.Group> groups = limiter.groupsFor(request.getMethod(), request.getUriInfo().getRequestUri().getPath());
        if (groups.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return identity.getDeferredIdentity()
                .onFailure().recoverWithNull() // a bad token: the endpoint answers 401, uncounted
                .chain(who -> {
                    String tenant = tenantOf(who);
                    if (tenant == null) {
                        return Uni.createFrom().voidItem();
                    }
                    MDC.put(RequestIds.MDC_TENANT_ID, tenant);
                    return limiter.acquire(tenant, groups);
                });
    }

    private static String tenantOf(SecurityIdentity who) {
        if (who == null || who.isAnonymous() || who.hasRole(Roles.SERVICE)
                || !(who.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        String tenant = jwt.getClaim(Caller.TENANT_CLAIM);
        return tenant != null && Caller.TENANT_ID.matcher(tenant).matches() ? tenant : null;
    }
}
