package io.hotelcrm.alert.rule;

import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertDetail;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.contracts.EventEnvelope;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.credit.UsageRecorded;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * USAGE_SPIKE (product.md §6): this hour's credits above factor (3) × the account's average hourly
 * usage. The service keeps its own roll-up of UsageRecorded per account and clock hour; the average
 * runs over the hours from the account's first hour in the window up to this one, idle hours counting
 * as zero. At most one alert per account and hour (a flag on the hour's row, in the same transaction).
 */
@ApplicationScoped
public class UsageSpikeRule {

    private final AlertRaiser raiser;
    private final AlertConfig config;
    private final Clock clock;

    public UsageSpikeRule(AlertRaiser raiser, AlertConfig config, Clock clock) {
        this.raiser = raiser;
        this.config = config;
        this.clock = clock;
    }

    Uni<Void> usageRecorded(EventEnvelope event) {
        UsageRecorded usage = event.dataAs(EventType.UsageRecorded, UsageRecorded.class);
        if (usage.credits() <= 0) {
            return Uni.createFrom().voidItem();
        }
        Instant hour = event.occurredAt().truncatedTo(ChronoUnit.HOURS);
        boolean fresh = Duration.between(event.occurredAt(), clock.instant()).compareTo(config.usageSpike().maxEventAge()) < 0;
        return addToHour(event.tenantId(), usage, hour)
                .chain(() -> fresh ? judge(event, usage, hour) : Uni.createFrom().voidItem());
    }

    private static Uni<Integer> addToHour(String tenantId, UsageRecorded usage, Instant hour) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "insert into usage_hour (account_id, hour_start, tenant_id, credits) values (?1, ?2, ?3, ?4) "
                                + "on conflict (account_id, hour_start) do update set credits = usage_hour.credits + excluded.credits")
                .setParameter(1, usage.accountId())
                .setParameter(2, OffsetDateTime.ofInstant(hour, ZoneOffset.UTC))
                .setParameter(3, tenantId)
                .setParameter(4, usage.credits())
                .executeUpdate());
    }

    private Uni<Void> judge(EventEnvelope event, UsageRecorded usage, Instant hour) {
        Instant windowStart = hour.minus(config.usageSpike().window());
        return Panache.getSession().chain(s -> s.<Object[]>createNativeQuery(
                        "select (select credits from usage_hour where account_id = ?1 and hour_start = ?2), "
                                + "cast(coalesce(sum(credits), 0) as bigint), "
                                + "cast(extract(epoch from min(hour_start)) as bigint) "
                                + "from usage_hour where account_id = ?1 and hour_start >= ?3 and hour_start < ?2")
                        .setParameter(1, usage.accountId())
                        .setParameter(2, OffsetDateTime.ofInstant(hour, ZoneOffset.UTC))
                        .setParameter(3, OffsetDateTime.ofInstant(windowStart, ZoneOffset.UTC))
                        .getSingleResult())
                .chain(row -> {
                    long current = ((Number) row[0]).longValue();
                    if (row[2] == null) {
                        return Uni.createFrom().voidItem(); // no history yet: nothing to compare with
                    }
                    long historySum = ((Number) row[1]).longValue();
                    long hours = Duration.between(Instant.ofEpochSecond(((Number) row[2]).longValue()), hour).toHours();
                    if (hours <= 0 || Duration.ofHours(hours).compareTo(config.usageSpike().minHistory()) < 0) {
                        return Uni.createFrom().voidItem();
                    }
                    double average = (double) historySum / hours;
                    if (average <= 0 || current <= config.usageSpike().factor() * average) {
                        return Uni.createFrom().voidItem();
                    }
                    return firstSpikeOfHour(usage.accountId(), hour).chain(first -> first
                            ? raiser.raise(alert(event, current, average)).replaceWithVoid()
                            : Uni.createFrom().voidItem());
                });
    }

    private static Uni<Boolean> firstSpikeOfHour(String accountId, Instant hour) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "update usage_hour set spike_alerted = true where account_id = ?1 and hour_start = ?2 "
                                + "and not spike_alerted")
                .setParameter(1, accountId)
                .setParameter(2, OffsetDateTime.ofInstant(hour, ZoneOffset.UTC))
                .executeUpdate()).map(n -> n == 1);
    }

    private static NewAlert alert(EventEnvelope event, long current, double average) {
        String message = "時間あたりのクレジット使用量が急増しています: " + current + " クレジット";
        return new NewAlert(event.tenantId(), AlertType.USAGE_SPIKE, Severity.WARNING, "クレジット使用量が急増しています",
                message,
                List.of(new AlertDetail("この1時間の使用量", current + " クレジット"),
                        new AlertDetail("1時間あたりの平均使用量", String.format(Locale.ROOT, "%.1f クレジット", average)),
                        new AlertDetail("平均との比較", String.format(Locale.ROOT, "%.1f 倍", current / average)),
                        new AlertDetail("推奨アクション", "意図しない大量利用がないか、AI機能の利用状況をご確認ください")),
                event.id());
    }
}
