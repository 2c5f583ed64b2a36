package io.hotelcrm.gateway.provider;

import io.hotelcrm.platform.problem.ApiException;

/** The AI provider is down, out of quota, or not configured for the function: nothing is charged. */
public class ProviderUnavailableException extends ApiException {

    public ProviderUnavailableException(String detail) {
        super(503, "PROVIDER_UNAVAILABLE", "AIプロバイダーを現在利用できません", detail);
    }
}
