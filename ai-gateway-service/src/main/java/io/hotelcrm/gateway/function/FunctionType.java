package io.hotelcrm.gateway.function;

/** The AI functions a tenant can run (product.md §3). */
public enum FunctionType {
    CHATBOT, RECOMMENDATION, PREDICTION, ANALYSIS, CUSTOM
}
