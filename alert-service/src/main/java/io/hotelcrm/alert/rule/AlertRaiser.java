package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.channel.ChannelSettingsService;
import io.hotelcrm.alert.delivery.DeliveryPlanner;
import io.hotelcrm.alert.log.AlertEntry;
import io.hotelcrm.alert.log.AlertLogService;
import io.hotelcrm.alert.log.NewAlert;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Raises an alert: stores it in the log and queues its deliveries, both in the caller's transaction
 * (the event's, through the inbox), so an alert is either stored with all its deliveries or not at all.
 */
@ApplicationScoped
public class AlertRaiser {

    private final AlertLogService log;
    private final ChannelSettingsService channels;
    private final DeliveryPlanner planner;
    private final MeterRegistry metrics;

    public AlertRaiser(AlertLogService log, ChannelSettingsService channels, DeliveryPlanner planner, MeterRegistry metrics) {
        this.log = log;
        this.channels = channels;
        this.planner = planner;
        this.metrics = metrics;
    }

    public Uni<AlertEntry> raise(NewAlert alert) {
        return log.record(alert)
                .call(entry -> channels.channelsOf(alert.tenantId()).chain(c -> planner.plan(entry, c)))
                .invoke(entry -> metrics.counter("alerts.raised", "type", alert.type().name(),
                        "severity", alert.severity().name()).increment());
    }
}
