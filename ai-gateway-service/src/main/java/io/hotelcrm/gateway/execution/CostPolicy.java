package io.hotelcrm.gateway.execution;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What an execution costs (product.md §3): credits = ceil(baseCost × complexity), complexity ≥ 1.
 * <ul>
 *   <li>text functions (chatbot, custom): complexity = max(1, tokens / 1000), tokens = prompt + completion
 *       (the local engine counts one token per character, a conservative figure for Japanese);</li>
 *   <li>data functions (recommendation, prediction, analysis): complexity = max(1, rows / 100).</li>
 * </ul>
 * The reservation uses the worst case: all of maxTokens for text, the rows sent for data.
 */
@ApplicationScoped
public class CostPolicy {

    static final double TOKENS_PER_UNIT = 1000;
    static final double ROWS_PER_UNIT = 100;

    private final GatewayConfig config;

    public CostPolicy(GatewayConfig config) {
        this.config = config;
    }

    public record Cost(long baseCost, double complexity, long credits) {
        String formula() {
            return String.format("ceil(%d × %.2f) = %d", baseCost, complexity, credits);
        }
    }

    /** The cost of {@code units} of work (tokens or rows, as the function counts). */
    public Cost cost(FunctionType function, long units) {
        long base = config.baseCost(function);
        double complexity = Math.max(1.0, units / (isText(function) ? TOKENS_PER_UNIT : ROWS_PER_UNIT));
        complexity = Math.round(complexity * 100) / 100.0;
        return new Cost(base, complexity, (long) Math.ceil(base * complexity));
    }

    /** The worst case to reserve before running. */
    public Cost worstCase(FunctionType function, int inputChars, int maxTokens, int rows) {
        return cost(function, isText(function) ? (long) inputChars + maxTokens : rows);
    }

    static boolean isText(FunctionType function) {
        return function == FunctionType.CHATBOT || function == FunctionType.CUSTOM;
    }
}
