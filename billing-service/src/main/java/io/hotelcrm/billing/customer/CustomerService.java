package io.hotelcrm.billing.customer;

import com.stripe.model.Customer;
import com.stripe.model.PaymentMethod;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import io.hotelcrm.billing.stripe.StripeCalls;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Objects;

/** A Stripe customer per tenant, made on first need; the saved default card for off-session charges. */
@ApplicationScoped
public class CustomerService {

    private final StripeCalls stripe;
    private final Clock clock;

    public CustomerService(StripeCalls stripe, Clock clock) {
        this.stripe = stripe;
        this.clock = clock;
    }

    public Uni<StripeCustomer> find(String tenantId) {
        return Panache.withSession(() -> StripeCustomer.<StripeCustomer>findById(tenantId));
    }

    /**
     * The tenant's customer, created at Stripe on first use, then given the billing e-mail if one is new. The create
     * call's idempotency key is per tenant, so two concurrent first uses (or a retry after a crash between Stripe's
     * answer and our insert) get the same customer; its parameters are therefore the tenant's alone — with the e-mail
     * in them, a retry that brought another e-mail was refused by Stripe (IdempotencyException, a 500 in the fault
     * suite) — and the e-mail follows as an update.
     */
    public Uni<StripeCustomer> ensureCustomer(String tenantId, String email) {
        return find(tenantId).chain(existing -> existing != null ? withEmail(existing, email)
                : stripe.call("customers.create", "customer-" + tenantId, (s, o) -> s.customers().create(
                                CustomerCreateParams.builder().setDescription("Hotel CRM tenant " + tenantId)
                                        .putMetadata("tenant_id", tenantId).addPreferredLocale("ja")
                                        .build(), o))
                        .chain(created -> save(tenantId, created))
                        .chain(saved -> withEmail(saved, email)));
    }

    private Uni<StripeCustomer> withEmail(StripeCustomer customer, String email) {
        if (email == null || Objects.equals(email, customer.email)) {
            return Uni.createFrom().item(customer);
        }
        return stripe.call("customers.update", null, (s, o) -> s.customers().update(customer.customerId,
                        CustomerUpdateParams.builder().setEmail(email).build(), o))
                .chain(updated -> Panache.withTransaction(() -> StripeCustomer.<StripeCustomer>findById(customer.tenantId)
                        .invoke(c -> {
                            c.email = email;
                            c.updatedAt = clock.instant();
                        })));
    }

    private Uni<StripeCustomer> save(String tenantId, Customer created) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery(
                                "insert into stripe_customer (tenant_id, customer_id, email, created_at, updated_at) "
                                        + "values (?1, ?2, ?3, ?4, ?4) on conflict do nothing")
                        .setParameter(1, tenantId).setParameter(2, created.getId()).setParameter(3, created.getEmail())
                        .setParameter(4, clock.instant()).executeUpdate()))
                .chain(() -> find(tenantId));
    }

    /** Makes a card attached to the tenant's customer its default for invoices and off-session charges. */
    public Uni<StripeCustomer> saveDefaultCard(String tenantId, String customerId, PaymentMethod card) {
        return stripe.call("customers.update", "default-card-" + customerId + "-" + card.getId(), (s, o) ->
                        s.customers().update(customerId, CustomerUpdateParams.builder().setInvoiceSettings(
                                CustomerUpdateParams.InvoiceSettings.builder().setDefaultPaymentMethod(card.getId()).build())
                                .build(), o))
                .chain(() -> Panache.withTransaction(() -> StripeCustomer.<StripeCustomer>findById(tenantId).invoke(c -> {
                    c.defaultPaymentMethodId = card.getId();
                    c.defaultCardBrand = card.getCard() == null ? null : card.getCard().getBrand();
                    c.defaultCardLast4 = card.getCard() == null ? null : card.getCard().getLast4();
                    c.updatedAt = clock.instant();
                })));
    }
}
