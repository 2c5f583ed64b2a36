package io.hotelcrm.platform.security;

import io.hotelcrm.platform.logging.RequestIds;
import io.hotelcrm.platform.problem.ApiException;
import jakarta.enterprise.context.RequestScoped;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.MDC;

/**
 * Who is calling, from the verified JWT. The tenant always comes from the token ({@code tenant_id});
 * only a {@code service} caller may act for a tenant named in the request.
 */
@RequestScoped
public class Caller {

    public static final String TENANT_CLAIM = "tenant_id";
    /** Tenant ids are short opaque identifiers; anything else is refused before it reaches a query. */
    public static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private final JsonWebToken jwt;

    public Caller(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    /** The caller's own tenant; 403 when the token carries none. */
    public String tenantId() {
        String tenant = jwt.getClaim(TENANT_CLAIM);
        if (tenant == null || !TENANT_ID.matcher(tenant).matches()) {
            throw ApiException.forbidden("TENANT_MISSING", "The token carries no valid tenant_id claim");
        }
        MDC.put(RequestIds.MDC_TENANT_ID, tenant);
        return tenant;
    }

    /**
     * The tenant a request acts for: a service caller names it, anybody else gets their own tenant and
     * may not name another.
     */
    public String tenantFor(String requestedTenant) {
        if (isService()) {
            if (requestedTenant == null || !TENANT_ID.matcher(requestedTenant).matches()) {
                throw ApiException.validation("tenantId is required and must match " + TENANT_ID.pattern());
            }
            MDC.put(RequestIds.MDC_TENANT_ID, requestedTenant);
            return requestedTenant;
        }
        String own = tenantId();
        if (requestedTenant != null && !requestedTenant.equals(own)) {
            throw ApiException.forbidden("TENANT_MISMATCH", "A token may only act for its own tenant");
        }
        return own;
    }

    /** The user ({@code sub}). */
    public String userId() {
        return jwt.getSubject();
    }

    public boolean isService() {
        return jwt.getGroups() != null && jwt.getGroups().contains(Roles.SERVICE);
    }

    public boolean isAdmin() {
        return jwt.getGroups() != null && jwt.getGroups().contains(Roles.ADMIN);
    }
}
