package io.hotelcrm.alert.channel;

import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertDetails;
import io.hotelcrm.alert.log.AlertEntry;
import io.hotelcrm.alert.log.Severity;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * One alert e-mail to one administrator over SMTP (Quarkus Mailer), rendered from the Japanese Qute
 * templates in {@code templates/MailChannel/}. CRITICAL alerts carry the high-priority headers that
 * mail clients understand (X-Priority, Importance).
 */
@ApplicationScoped
public class MailChannel {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance alertHtml(AlertMail mail);

        static native TemplateInstance alertText(AlertMail mail);
    }

    private final ReactiveMailer mailer;
    private final AlertConfig config;

    public MailChannel(ReactiveMailer mailer, AlertConfig config) {
        this.mailer = mailer;
        this.config = config;
    }

    public Uni<Void> send(AlertEntry alert, TenantChannels channels, String recipient) {
        AlertMail mail = new AlertMail(channels.hotelName(), alert.type.name(), alert.type.label(), alert.severity.name(),
                alert.severity.label(), alert.title, alert.message, AlertDetails.read(alert.data),
                JaTime.format(alert.createdAt, config.timeZone()), alert.severity == Severity.CRITICAL);
        Mail message = Mail.withHtml(recipient, subject(channels, alert), Templates.alertHtml(mail).render())
                .setText(Templates.alertText(mail).render());
        if (alert.severity == Severity.CRITICAL) {
            message.addHeader("X-Priority", "1 (Highest)")
                    .addHeader("Importance", "High")
                    .addHeader("X-MSMail-Priority", "High");
        }
        return mailer.send(message);
    }

    /** The guide's subject: {@code [hotel] message}. */
    static String subject(TenantChannels channels, AlertEntry alert) {
        return "[" + channels.hotelName() + "] " + alert.message;
    }
}
