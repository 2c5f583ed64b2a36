package io.hotelcrm.alert.channel;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant's alert channels as stored (lists as JSON array text). */
@Entity
@Table(name = "alert_channel")
public class ChannelSettings extends PanacheEntityBase {

    @Id
    @Column(name = "tenant_id")
    public String tenantId;

    @Column(name = "hotel_name")
    public String hotelName;

    @Column(name = "admin_emails", nullable = false)
    public String adminEmails;

    @Column(name = "slack_webhook_url")
    public String slackWebhookUrl;

    @Column(name = "slack_channel")
    public String slackChannel;

    @Column(name = "muted_types", nullable = false)
    public String mutedTypes;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
