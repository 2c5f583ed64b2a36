package io.hotelcrm.gateway.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.platform.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;

/**
 * Cleans an execute request (product.md §6): markup stripped from the input, the model checked
 * against the allow-list, temperature clamped to 0-2, maxTokens to 1-4000, sizes bounded.
 */
@ApplicationScoped
public class InputSanitizer {

    private static final Pattern SCRIPT = Pattern.compile("(?is)<(script|style)[^>]*>.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    static final int MAX_TOKENS_CAP = 4000;

    private final GatewayConfig config;

    public InputSanitizer(GatewayConfig config) {
        this.config = config;
    }

    public FunctionType function(String value) {
        FunctionType f = FunctionType.parse(value);
        if (f == null) {
            throw ApiException.validation("functionType must be chatbot, recommendation, prediction, analysis or custom");
        }
        return f;
    }

    /** The text without markup (script and style elements dropped whole). */
    public String strip(String text) {
        return TAG.matcher(SCRIPT.matcher(text).replaceAll("")).replaceAll("").strip();
    }

    public EngineRequest clean(String tenant, FunctionType function, ExecuteRequest.Parameters p) {
        String input = strip(p.input());
        if (input.isEmpty() && function == FunctionType.CHATBOT) {
            throw ApiException.validation("parameters.input must contain text");
        }
        if (input.length() > config.input().maxChars()) {
            throw ApiException.validation("parameters.input may have at most " + config.input().maxChars() + " characters");
        }
        String model = p.model() == null ? config.models().defaultModel() : p.model();
        if (!config.models().allowed().contains(model)) {
            throw ApiException.validation("model must be one of " + config.models().allowed());
        }
        double temperature = p.temperature() == null ? config.defaults().temperature()
                : Math.max(0, Math.min(2, p.temperature()));
        int maxTokens = p.maxTokens() == null ? config.defaults().maxTokens()
                : Math.max(1, Math.min(MAX_TOKENS_CAP, p.maxTokens()));
        if (rows(p.customOptions()) > config.input().maxRows()) {
            throw ApiException.validation("customOptions may carry at most " + config.input().maxRows() + " rows");
        }
        return new EngineRequest(tenant, function, input, model, temperature, maxTokens, p.customOptions());
    }

    /** Rows of data sent with a data function: the largest array in customOptions. */
    static int rows(JsonNode options) {
        if (options == null) {
            return 0;
        }
        int max = options.isArray() ? options.size() : 0;
        for (JsonNode child : options) {
            if (child.isArray()) {
                max = Math.max(max, child.size());
            }
        }
        return max;
    }
}
