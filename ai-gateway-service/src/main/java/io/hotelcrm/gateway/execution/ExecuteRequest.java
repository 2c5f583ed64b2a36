package io.hotelcrm.gateway.execution;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** POST /api/v1/ai/execute, in the guide's shape. */
@Schema(name = "ExecuteRequest")
public record ExecuteRequest(
        @NotBlank @Schema(description = "chatbot, recommendation, prediction, analysis or custom", example = "chatbot")
        String functionType,
        @NotNull @Valid Parameters parameters,
        @Valid Metadata metadata) {

    public record Parameters(
            @NotNull @Size(max = 20000) @Schema(description = "The question, or the data description") String input,
            @Size(max = 60) String model,
            Double temperature,
            Integer maxTokens,
            @Schema(description = "Function-specific data, e.g. series for prediction, members for analysis")
            JsonNode customOptions) {
    }

    public record Metadata(@Size(max = 100) String userId, @Size(max = 500) String context,
                           @Size(max = 20) List<@Size(max = 50) String> tags) {
    }
}
