package io.hotelcrm.gateway.provider;

import io.hotelcrm.platform.problem.ApiException;
import java.util.Map;

/** The AI provider is down, out of quota, or not configured for the function: nothing is charged. */
public class ProviderUnavailableException extends ApiException {

    /** The provider failed (down, slow, out of quota): a retry after a second may find it back. */
    public ProviderUnavailableException(String detail) {
        this(detail, Map.of("Retry-After", "1"));
    }

    private ProviderUnavailableException(String detail, Map<String, String> headers) {
        super(503, "PROVIDER_UNAVAILABLE", "AIプロバイダーを現在利用できません", detail, Map.of(), headers);
    }

    /** Not configured for the function, out of quota, or refusing our key: retrying soon will not help, so no Retry-After. */
    public static ProviderUnavailableException lasting(String detail) {
        return new ProviderUnavailableException(detail, Map.of());
    }
}
