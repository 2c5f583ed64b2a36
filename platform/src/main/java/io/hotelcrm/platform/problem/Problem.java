package io.hotelcrm.platform.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 7807 problem document. {@code code} is the stable, machine-readable error code partners
 * program against; {@code title} and {@code detail} are for people (Japanese where users see them).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 7807 problem details with a stable error code")
public record Problem(
        @Schema(description = "URI reference identifying the problem type", example = "https://docs.hotelcrm.io/problems/insufficient-credits")
        String type,
        @Schema(description = "Short summary", example = "クレジット残高不足")
        String title,
        @Schema(description = "HTTP status", example = "402")
        int status,
        @Schema(description = "Explanation of this occurrence", example = "チャットボット機能の実行には2クレジットが必要です")
        String detail,
        @Schema(description = "The request path", example = "/api/v1/ai/execute")
        String instance,
        @Schema(description = "Stable error code", example = "INSUFFICIENT_CREDITS")
        String code,
        @Schema(description = "Request id for support, as sent in X-Request-Id")
        String requestId,
        @Schema(hidden = true)
        Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** Extra members (e.g. {@code retryAfter}, {@code violations}) are written at the top level, as RFC 7807 intends. */
    @JsonAnyGetter
    public Map<String, Object> extensions() {
        return extensions == null ? Map.of() : extensions;
    }

    public static String typeUri(String code) {
        return "https://docs.hotelcrm.io/problems/" + code.toLowerCase().replace('_', '-');
    }
}
