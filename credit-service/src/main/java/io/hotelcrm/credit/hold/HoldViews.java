package io.hotelcrm.credit.hold;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the internal hold API. */
public final class HoldViews {

    private HoldViews() {
    }

    @Schema(name = "ReserveRequest")
    public record ReserveRequest(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}") String tenantId,
            @NotNull @Min(1) Long amount,
            @NotBlank String functionType,
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._:@/-]{1,200}") String idempotencyKey,
            @Min(1) Integer timeoutSeconds,
            @Size(max = 100) String userId) {
    }

    @Schema(name = "Hold")
    public record HoldView(String holdId, String status, long amount,
                           @Schema(description = "Available credits after the reservation") long available,
                           Instant expiresAt) {
    }

    @Schema(name = "CaptureRequest")
    public record CaptureRequest(
            @NotNull @Min(1) Long amount,
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._:@/-]{1,200}") String idempotencyKey,
            @Min(0) @Max(86_400_000) Integer executionTimeMs,
            @Size(max = 500) String description,
            @Size(max = 4000) String functionParams) {
    }

    @Schema(name = "Capture")
    public record CaptureView(String transactionId, String holdId, long capturedAmount, long releasedAmount,
                              long balanceAfter, long available, long costPerCreditYen, long totalCostYen) {
    }

    @Schema(name = "ReleaseRequest")
    public record ReleaseRequest(@Pattern(regexp = "[A-Za-z0-9._:@/-]{1,200}") String idempotencyKey) {
    }

    @Schema(name = "Release")
    public record ReleaseView(String holdId, String status, long releasedAmount, long available) {
    }
}
