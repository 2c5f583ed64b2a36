package io.hotelcrm.gateway.openai;

import io.hotelcrm.platform.persistence.Transient;
import io.hotelcrm.platform.problem.ApiException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import java.util.Map;

/**
 * An error in OpenAI's shape ({@code {"error": {message, type, param, code}}}), so OpenAI SDKs raise their
 * usual exceptions. {@code code} carries the gateway's stable problem code (INSUFFICIENT_CREDITS, ...).
 */
public record OpenAiError(int status, Body error, Map<String, String> headers) {

    OpenAiError(int status, Body error) {
        this(status, error, Map.of());
    }

    public record Body(String message, String type, String param, String code) {
    }

    static OpenAiError of(Throwable failure) {
        if (failure instanceof ApiException api) {
            String detail = api.getMessage() == null ? api.title() : api.title() + ": " + api.getMessage();
            return new OpenAiError(api.status(), new Body(detail, type(api.status()), null, api.code()), api.headers());
        }
        if (Transient.isTransient(failure)) { // the database is down or restarting, as /api/v1 answers it
            return of(Transient.unavailable("The database"));
        }
        if (failure instanceof UnauthorizedException) {
            return new OpenAiError(401, new Body("A valid bearer token (JWT) is required", "authentication_error",
                    null, "UNAUTHORIZED"));
        }
        if (failure instanceof ForbiddenException) {
            return new OpenAiError(403, new Body("This token may not use the AI API", "permission_error", null,
                    "FORBIDDEN"));
        }
        return new OpenAiError(500, new Body("Internal error", "server_error", null, "INTERNAL_ERROR"));
    }

    static OpenAiError invalid(String message, String param) {
        return new OpenAiError(400, new Body(message, "invalid_request_error", param, "VALIDATION_FAILED"));
    }

    private static String type(int status) {
        return switch (status) {
            case 400, 404, 409, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "insufficient_credits";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
