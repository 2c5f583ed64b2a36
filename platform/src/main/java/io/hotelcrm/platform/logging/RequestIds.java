package io.hotelcrm.platform.logging;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import jakarta.ws.rs.container.ContainerResponseContext;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, a new UUID otherwise.
 * The id is put in the logging MDC (JSON logs carry it), echoed in the response and quoted in problems.
 */
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_REQUEST_ID = "requestId";
    public static final String MDC_TENANT_ID = "tenantId";
    private static final String PROPERTY = RequestIds.class.getName();
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String incoming = request.getHeaderString(HEADER);
        String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
        request.setProperty(PROPERTY, id);
        MDC.put(MDC_REQUEST_ID, id);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }

    /** The id of the request being handled. */
    public static String of(ContainerRequestContext request) {
        Object id = request.getProperty(PROPERTY);
        return id == null ? null : id.toString();
    }
}
