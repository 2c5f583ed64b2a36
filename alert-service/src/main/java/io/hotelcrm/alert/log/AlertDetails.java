package io.hotelcrm.alert.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The details column is a JSON array of {label, value}: an array, because jsonb does not keep the
 * key order of an object and the order is what people read.
 */
public final class AlertDetails {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<AlertDetail>> LIST = new TypeReference<>() {
    };

    private AlertDetails() {
    }

    static String write(List<AlertDetail> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<AlertDetail> read(String json) {
        if (json == null || !json.startsWith("[")) {
            return List.of(); // rows written before details existed hold the raw event
        }
        try {
            return JSON.readValue(json, LIST);
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
