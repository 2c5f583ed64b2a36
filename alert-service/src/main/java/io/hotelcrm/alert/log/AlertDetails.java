package io.hotelcrm.alert.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The data column holds {@code {"details": [{label, value}, ...]}}: a list, because jsonb does not keep
 * the key order of an object and the order is what people read.
 */
public final class AlertDetails {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Stored> STORED = new TypeReference<>() {
    };

    record Stored(List<AlertDetail> details) {
    }

    private AlertDetails() {
    }

    static String write(List<AlertDetail> details) {
        try {
            return JSON.writeValueAsString(new Stored(details));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<AlertDetail> read(String json) {
        if (json == null || !json.contains("\"details\"")) {
            return List.of(); // rows written before details existed hold the raw event
        }
        try {
            Stored stored = JSON.readValue(json, STORED);
            return stored.details() == null ? List.of() : stored.details();
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
