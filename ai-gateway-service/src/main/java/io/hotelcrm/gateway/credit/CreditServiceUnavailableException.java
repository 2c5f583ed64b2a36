package io.hotelcrm.gateway.credit;

import io.hotelcrm.platform.problem.ApiException;
import java.util.Map;

/**
 * credit-service could not be asked (refused, timed out, 5xx, or the circuit is open): nothing was
 * reserved or the outcome is settled later by the recovery job, so the client may retry.
 */
public class CreditServiceUnavailableException extends ApiException {

    public CreditServiceUnavailableException(String detail, long retryAfterSeconds) {
        super(503, "CREDIT_SERVICE_UNAVAILABLE", "クレジット処理を一時的に利用できません", detail,
                Map.of("retryAfter", retryAfterSeconds), Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }
}
