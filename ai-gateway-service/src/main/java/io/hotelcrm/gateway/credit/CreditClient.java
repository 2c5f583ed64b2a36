package io.hotelcrm.gateway.credit;

import io.hotelcrm.contracts.hold.HoldApi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** credit-service's internal hold API (design.md §5), with the bodies both sides share ({@link HoldApi}). */
@Path(HoldApi.PATH)
@RegisterRestClient(configKey = "credit")
public interface CreditClient {

    @POST
    Uni<HoldApi.HoldView> reserve(@HeaderParam("Authorization") String bearer, HoldApi.ReserveRequest request);

    @POST
    @Path(HoldApi.CHARGE)
    Uni<HoldApi.CaptureView> charge(@HeaderParam("Authorization") String bearer, HoldApi.ChargeRequest request);

    @POST
    @Path("/{holdId}/capture")
    Uni<HoldApi.CaptureView> capture(@HeaderParam("Authorization") String bearer, @PathParam("holdId") String holdId,
                                     HoldApi.CaptureRequest request);

    @POST
    @Path("/{holdId}/release")
    Uni<HoldApi.ReleaseView> release(@HeaderParam("Authorization") String bearer, @PathParam("holdId") String holdId,
                                     HoldApi.ReleaseRequest request);
}
