package io.hotelcrm.platform.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thrown (or failed with, in a Uni) by service code to answer with a problem document.
 * Use the factory methods so that status and code always go together.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final Map<String, Object> extensions;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of(), Map.of());
    }

    public ApiException(int status, String code, String title, String detail, Map<String, Object> extensions,
                        Map<String, String> headers) {
        super(detail, null, false, false); // expected outcomes: no stack trace
        this.status = status;
        this.code = code;
        this.title = title;
        this.extensions = Map.copyOf(extensions);
        this.headers = Map.copyOf(headers);
    }

    public static ApiException validation(String detail) {
        return new ApiException(400, "VALIDATION_FAILED", "入力内容に誤りがあります", detail);
    }

    public static ApiException validation(String detail, Map<String, Object> extensions) {
        return new ApiException(400, "VALIDATION_FAILED", "入力内容に誤りがあります", detail, extensions, Map.of());
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "NOT_FOUND", "見つかりません", what + " was not found");
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "リクエストが現在の状態と矛盾しています", detail);
    }

    public static ApiException idempotencyConflict(String key) {
        return new ApiException(409, "IDEMPOTENCY_CONFLICT", "冪等キーが別の内容で使用済みです",
                "Idempotency key '" + key + "' was already used with a different request");
    }

    public static ApiException forbidden(String code, String detail) {
        return new ApiException(403, code, "この操作は許可されていません", detail);
    }

    /** Returns a copy with one more top-level member in the problem document. */
    public ApiException with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, value);
        return new ApiException(status, code, title, getMessage(), more, headers);
    }

    /** Returns a copy that also sets a response header (e.g. Retry-After). */
    public ApiException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiException(status, code, title, getMessage(), extensions, more);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
