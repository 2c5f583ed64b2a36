package io.hotelcrm.platform.limits;

import io.hotelcrm.platform.problem.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Documents the 429 of the API limits on every operation a limit group counts, with the numbers this service runs
 * with (read at startup, so the environment's values show). An operation that documents its own 429 (the gateway's
 * execute) keeps it.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class ApiLimitsOpenApi implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        ApiLimitsConfig config = ConfigProvider.getConfig().unwrap(io.smallrye.config.SmallRyeConfig.class)
                .getConfigMapping(ApiLimitsConfig.class);
        if (!config.enabled() || openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        List<ApiLimiter.Group> groups = new ArrayList<>();
        config.groups().forEach((name, g) -> groups.add(new ApiLimiter.Group(name, g.perMinute(),
                g.paths().stream().map(PathRule::parse).toList())));
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            for (Map.Entry<PathItem.HttpMethod, Operation> op : item.getOperations().entrySet()) {
                String limits = groups.stream().filter(g -> g.matches(op.getKey().name(), path))
                        .sorted((a, b) -> Integer.compare(a.perMinute(), b.perMinute()))
                        .map(g -> g.name() + " " + g.perMinute()).collect(Collectors.joining(", "));
                if (!limits.isEmpty() && (op.getValue().getResponses() == null
                        || !op.getValue().getResponses().hasAPIResponse("429"))) {
                    document(op.getValue(), limits);
                }
            }
        });
    }

    private static void document(Operation operation, String limits) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        operation.getResponses().addAPIResponse("429", OASFactory.createAPIResponse()
                .description("RATE_LIMIT_EXCEEDED: the tenant's API limit per clock minute is used up (" + limits
                        + " requests a minute). Retry-After and the member retryAfter give the seconds to the minute's end;"
                        + " scope names the limit.")
                .addHeader("Retry-After", OASFactory.createHeader().description("Seconds until the minute ends (1-60)")
                        .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)))
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem")))));
    }
}
