package io.hotelcrm.billing.purchase;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Transaction-scoped advisory locks on a payment's Stripe ids (PaymentIntent, charge). A refund that finds no
 * purchase for its PaymentIntent and the transaction that attaches that PaymentIntent to an invoice purchase
 * take the same lock before they read, so one of them always sees the other's commit: the refund is either
 * applied at once or parked and then settled — never parked unseen. Taken before the purchase row, in sorted
 * order, so two transactions never wait on each other in a cycle.
 */
final class PaymentLocks {

    private PaymentLocks() {
    }

    static Uni<Void> lock(String... stripeIds) {
        List<String> ids = Arrays.stream(stripeIds).filter(Objects::nonNull).distinct().sorted().toList();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String id : ids) {
            chain = chain.chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                            "select count(*) from (select pg_advisory_xact_lock(hashtextextended(?1, 12))) l", Long.class)
                    .setParameter(1, "stripe-payment:" + id).getSingleResult())).replaceWithVoid();
        }
        return chain;
    }
}
