package io.hotelcrm.gateway.credit;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.Instant;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** credit-service's internal hold API (design.md §5). */
@Path("/internal/v1/holds")
@RegisterRestClient(configKey = "credit")
public interface CreditClient {

    record ReserveRequest(String tenantId, long amount, String functionType, String idempotencyKey,
                          Integer timeoutSeconds, String userId) {
    }

    record Hold(String holdId, String status, long amount, long available, Instant expiresAt) {
    }

    record CaptureRequest(long amount, String idempotencyKey, Integer executionTimeMs, String description,
                          String functionParams) {
    }

    record Capture(String transactionId, String holdId, long capturedAmount, long releasedAmount, long balanceAfter,
                   long available, long costPerCreditYen, long totalCostYen) {
    }

    record ReleaseRequest(String idempotencyKey) {
    }

    record Release(String holdId, String status, long releasedAmount, long available) {
    }

    @POST
    Uni<Hold> reserve(@HeaderParam("Authorization") String bearer, ReserveRequest request);

    @POST
    @Path("/{holdId}/capture")
    Uni<Capture> capture(@HeaderParam("Authorization") String bearer, @PathParam("holdId") String holdId,
                         CaptureRequest request);

    @POST
    @Path("/{holdId}/release")
    Uni<Release> release(@HeaderParam("Authorization") String bearer, @PathParam("holdId") String holdId,
                         ReleaseRequest request);
}
