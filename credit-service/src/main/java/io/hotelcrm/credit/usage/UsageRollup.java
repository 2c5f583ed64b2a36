package io.hotelcrm.credit.usage;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.UUID;

/** Keeps daily_usage in the same transaction as the capture or release it counts. */
@ApplicationScoped
public class UsageRollup {

    public Uni<Void> captured(UUID accountId, LocalDate day, String functionType, long credits, long executionMs) {
        return add(accountId, day, functionType, credits, 1, 0, executionMs);
    }

    public Uni<Void> released(UUID accountId, LocalDate day, String functionType) {
        return add(accountId, day, functionType, 0, 0, 1, 0);
    }

    private Uni<Void> add(UUID accountId, LocalDate day, String functionType, long credits, long executions,
                          long releases, long executionMs) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "insert into daily_usage (account_id, usage_date, function_type, credits, executions, releases, execution_ms) "
                                + "values (?1, ?2, ?3, ?4, ?5, ?6, ?7) on conflict (account_id, usage_date, function_type) do update set "
                                + "credits = daily_usage.credits + excluded.credits, "
                                + "executions = daily_usage.executions + excluded.executions, "
                                + "releases = daily_usage.releases + excluded.releases, "
                                + "execution_ms = daily_usage.execution_ms + excluded.execution_ms")
                .setParameter(1, accountId).setParameter(2, day).setParameter(3, functionType)
                .setParameter(4, credits).setParameter(5, executions).setParameter(6, releases)
                .setParameter(7, executionMs)
                .executeUpdate()).replaceWithVoid();
    }
}
