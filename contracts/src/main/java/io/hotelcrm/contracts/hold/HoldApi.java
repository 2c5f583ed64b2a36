package io.hotelcrm.contracts.hold;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * credit-service's internal hold API (design.md §5), defined once for both sides: credit-service serves
 * and validates these bodies, the gateway sends and reads them. Reserve, capture and release are each
 * idempotent by their key; a replay answers the first result. A charge is a reserve and its capture in one
 * call, for a result that is ready before it is charged: the same hold and entry under the same keys, so
 * replaying either part (or releasing the hold) answers what the charge did.
 */
public final class HoldApi {

    public static final String PATH = "/internal/v1/holds";
    /** Under {@link #PATH}. */
    public static final String CHARGE = "/charge";

    /** Problem codes of the hold API that callers act on. */
    public static final String INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS";
    /** The hold was already captured, released or expired (a capture or release under another key). */
    public static final String HOLD_NOT_PENDING = "HOLD_NOT_PENDING";
    public static final String HOLD_EXPIRED = "HOLD_EXPIRED";
    public static final String CAPTURE_EXCEEDS_HOLD = "CAPTURE_EXCEEDS_HOLD";
    public static final String IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT";
    /** 402 INSUFFICIENT_CREDITS carries these members beside the problem's own. */
    public static final String REQUIRED = "required";
    public static final String AVAILABLE = "available";
    /** 409 HOLD_NOT_PENDING carries the hold's status, and for a captured hold the credits it charged. */
    public static final String HOLD_STATUS = "holdStatus";
    public static final String CAPTURED_CREDITS = "capturedCredits";

    private HoldApi() {
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

    @Schema(name = "ChargeRequest", description = "Reserve the worst case and capture the actual cost at once; "
            + "402 when the worst case is not available, as for a reservation")
    public record ChargeRequest(@Valid @NotNull ReserveRequest hold, @Valid @NotNull CaptureRequest capture) {
    }

    @Schema(name = "ReleaseRequest")
    public record ReleaseRequest(@Pattern(regexp = "[A-Za-z0-9._:@/-]{1,200}") String idempotencyKey) {
    }

    @Schema(name = "Release")
    public record ReleaseView(String holdId, String status, long releasedAmount, long available) {
    }
}
