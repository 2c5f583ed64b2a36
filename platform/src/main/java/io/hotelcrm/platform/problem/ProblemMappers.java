package io.hotelcrm.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.hotelcrm.platform.logging.RequestIds;
import io.hotelcrm.platform.persistence.Transient;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error of every service into an RFC 7807 problem document with a stable code. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e, ContainerRequestContext request) {
        Response.ResponseBuilder builder = build(request, e.status(), e.code(), e.title(), e.getMessage(), e.extensions());
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, ContainerRequestContext request) {
        List<Map<String, String>> violations = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> field(v.getPropertyPath())))
                .map(v -> Map.of("field", field(v.getPropertyPath()), "message", v.getMessage()))
                .collect(Collectors.toList());
        String detail = violations.stream().map(v -> v.get("field") + ": " + v.get("message"))
                .collect(Collectors.joining("; "));
        return build(request, 400, "VALIDATION_FAILED", "入力内容に誤りがあります", detail,
                Map.of("violations", violations)).build();
    }

    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class, InvalidFormatException.class})
    public Response unreadableBody(JsonProcessingException e, ContainerRequestContext request) {
        String detail = e instanceof MismatchedInputException mie && !mie.getPath().isEmpty()
                ? "Field '" + mie.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining(".")) + "' has a value of the wrong type or format"
                : "The request body is not valid JSON";
        return build(request, 400, "MALFORMED_REQUEST", "リクエストの形式が正しくありません", detail, Map.of()).build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, ContainerRequestContext request) {
        return build(request, 401, "UNAUTHORIZED", "認証が必要です",
                "A valid bearer token is required", Map.of())
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return build(request, 403, "FORBIDDEN", "この操作は許可されていません",
                "Your role does not allow this operation", Map.of()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "MALFORMED_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            default -> status >= 500 ? "INTERNAL_ERROR" : "HTTP_" + status;
        };
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        return build(request, status, code, title, e.getMessage(), Map.of()).build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, ContainerRequestContext request) {
        if (Transient.isTransient(e)) { // the database is down or restarting: a retry may succeed
            LOG.warnf("database unavailable on %s %s: %s", request.getMethod(), request.getUriInfo().getPath(), e);
            return api(Transient.unavailable("The database"), request);
        }
        LOG.errorf(e, "unexpected error on %s %s", request.getMethod(), request.getUriInfo().getPath());
        return build(request, 500, "INTERNAL_ERROR", "システムエラーが発生しました",
                "An unexpected error occurred; quote the requestId when contacting support", Map.of()).build();
    }

    private static Response.ResponseBuilder build(ContainerRequestContext request, int status, String code, String title,
                                                  String detail, Map<String, Object> extensions) {
        Problem problem = new Problem(Problem.typeUri(code), title, status, detail,
                request.getUriInfo().getPath(), code, RequestIds.of(request), extensions);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
    }

    /**
     * {@code purchase.request.packageId} → {@code packageId}; {@code list.limit} → {@code limit}: partners
     * know fields and query parameters, not Java methods.
     */
    static String field(Path path) {
        List<String> names = new ArrayList<>();
        boolean onlyParameter = false;
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case METHOD, RETURN_VALUE, CROSS_PARAMETER -> names.clear();
                case PARAMETER -> {
                    names.clear();
                    names.add(node.getName());
                    onlyParameter = true;
                }
                default -> {
                    if (onlyParameter) {
                        names.clear(); // a body parameter: name its fields, not the parameter
                        onlyParameter = false;
                    }
                    if (node.getName() != null) {
                        names.add(node.getName());
                    }
                }
            }
        }
        return names.isEmpty() ? "request" : String.join(".", names);
    }
}
