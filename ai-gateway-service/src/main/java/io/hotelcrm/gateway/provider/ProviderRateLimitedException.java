package io.hotelcrm.gateway.provider;

import io.hotelcrm.platform.problem.ApiException;

/**
 * The AI provider answered "rate limited". Unlike an outage, the request did reach the provider, so the
 * gateway charges the configured minimal amount (the guide charges 1 credit) and releases the rest.
 */
public class ProviderRateLimitedException extends ApiException {

    public ProviderRateLimitedException(String detail) {
        super(429, "PROVIDER_RATE_LIMITED", "AIプロバイダーの利用制限に達しました。しばらくしてから再度お試しください", detail);
    }
}
