package io.hotelcrm.gateway.execution;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of POST /api/v1/ai/execute, in the guide's shape plus the cost calculation. */
@Schema(name = "ExecuteResponse")
public record ExecuteResponse(Execution execution, Result result, Credits credits, Billing billing) {

    public record Execution(String executionId, String functionType,
                            @Schema(description = "Milliseconds") long executionTime, Instant timestamp,
                            @Schema(description = "Engine that answered: local or llm") String provider,
                            @Schema(description = "Model that answered") String model,
                            Usage usage,
                            @Schema(description = "Milliseconds the engine (built-in or LLM) took; executionTime "
                                    + "minus this is the gateway's and credit-service's share") Double engineTime) {
    }

    /** Tokens as the engine counted them (the local engine counts one per character). */
    public record Usage(long promptTokens, long completionTokens) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String output, Double confidence, List<String> alternatives, JsonNode additionalData) {
    }

    public record Credits(long creditsUsed, long remainingBalance,
                          @Schema(description = "Yen value of one credit on the tenant's plan") long costPerCredit,
                          @Schema(description = "creditsUsed × costPerCredit, yen") long totalCost,
                          Calculation calculation) {
    }

    /** How the credits were computed: ceil(baseCost × complexity). */
    public record Calculation(long baseCost, double complexity, String formula) {
    }

    public record Billing(String transactionId, long billableUnits) {
    }
}
