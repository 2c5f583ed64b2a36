package io.hotelcrm.alert.delivery;

import io.hotelcrm.alert.channel.TenantChannels;
import io.hotelcrm.alert.log.AlertEntry;
import io.hotelcrm.alert.log.NewAlert;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes an alert's deliveries in the alert's own transaction (an outbox per channel): the dashboard
 * always, e-mail to each admin and Slack when configured and the type is not muted.
 */
@ApplicationScoped
public class DeliveryPlanner {

    public Uni<List<Delivery>> plan(AlertEntry alert, TenantChannels channels) {
        List<Delivery> rows = new ArrayList<>();
        if (!NewAlert.SYSTEM_TENANT.equals(alert.tenantId)) {
            rows.add(row(alert, DeliveryChannel.DASHBOARD, null));
        }
        if (!channels.muted(alert.type)) {
            channels.adminEmails().forEach(email -> rows.add(row(alert, DeliveryChannel.EMAIL, email)));
            channels.slackWebhookUrl().ifPresent(url -> rows.add(row(alert, DeliveryChannel.SLACK, null)));
        }
        return Delivery.persist(rows).replaceWith(rows);
    }

    private static Delivery row(AlertEntry alert, DeliveryChannel channel, String recipient) {
        Delivery d = new Delivery();
        d.id = UUID.randomUUID();
        d.alertId = alert.id;
        d.tenantId = alert.tenantId;
        d.channel = channel;
        d.recipient = recipient;
        d.status = DeliveryStatus.PENDING;
        d.attempts = 0;
        return d;
    }
}
