package io.hotelcrm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The PromQL of a Grafana dashboard: panel targets (rows included) and query variables. */
final class Dashboards {

    private Dashboards() {
    }

    static List<String> expressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode expr : dashboard.path("panels").findValues("expr")) {
            out.add(expr.asText());
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                out.add(query.isObject() ? query.path("query").asText() : query.asText());
            }
        }
        return out;
    }
}
