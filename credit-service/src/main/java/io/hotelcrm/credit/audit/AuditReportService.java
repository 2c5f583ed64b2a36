package io.hotelcrm.credit.audit;

import io.hotelcrm.credit.account.CreditAccount;
import io.hotelcrm.credit.audit.AuditReport.Check;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The audit report with the guide's four compliance checks, each computed from data, never assumed:
 * data retention (no ledger row older than the retention period has been removed while audit rows
 * remain), access control (every settings change names its user), encryption (the database connection
 * requires TLS), audit trail (every ledger entry of the period has its audit row).
 */
@ApplicationScoped
public class AuditReportService {

    private final Clock clock;
    private final String datasourceUrl;

    public AuditReportService(Clock clock, @ConfigProperty(name = "quarkus.datasource.reactive.url") String datasourceUrl) {
        this.clock = clock;
        this.datasourceUrl = datasourceUrl;
    }

    public Uni<AuditReport> report(CreditAccount account, LocalDate from, LocalDate to) {
        ZoneId zone = ZoneId.of(account.timeZone);
        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
        return Panache.withSession(() -> query(
                        "select ai_function_type, -sum(credits_amount), count(*), coalesce(avg(execution_time_ms), 0) "
                                + "from ai_credit_transactions where account_id = ?1 and transaction_type = 'USAGE' "
                                + "and created_at >= ?2 and created_at < ?3 group by 1 order by 2 desc", account.id, start, end)
                .chain(byFunction -> query("select cast(created_at at time zone ?4 as date), -sum(credits_amount) "
                                + "from ai_credit_transactions where account_id = ?1 and transaction_type = 'USAGE' "
                                + "and created_at >= ?2 and created_at < ?3 group by 1 order by 1", account.id, start, end, zone.getId())
                        .chain(daily -> query("select cast(extract(hour from created_at at time zone ?4) as integer), -sum(credits_amount) "
                                        + "from ai_credit_transactions where account_id = ?1 and transaction_type = 'USAGE' "
                                        + "and created_at >= ?2 and created_at < ?3 group by 1 order by 2 desc limit 3",
                                account.id, start, end, zone.getId())
                                .chain(hours -> query("select action, count(*) from system_events where tenant_id = ?1 "
                                                + "and event_type = 'SECURITY' and occurred_at >= ?2 and occurred_at < ?3 group by 1",
                                        account.tenantId, start, end)
                                        .chain(security -> checks(account, start, end)
                                                .map(checks -> assemble(from, to, byFunction, daily, hours, security, checks)))))));
    }

    private AuditReport assemble(LocalDate from, LocalDate to, List<Object[]> byFunction, List<Object[]> daily,
                                 List<Object[]> hours, List<Object[]> security, List<Check> checks) {
        List<AuditReport.FunctionUsage> functions = new ArrayList<>();
        long credits = 0;
        long count = 0;
        long weightedMs = 0;
        for (Object[] r : byFunction) {
            long c = num(r[1]);
            long n = num(r[2]);
            long avg = Math.round(((Number) r[3]).doubleValue());
            functions.add(new AuditReport.FunctionUsage((String) r[0], c, n, avg));
            credits += c;
            count += n;
            weightedMs += avg * n;
        }
        long incidents = security.stream().mapToLong(r -> num(r[1])).sum();
        int risk = (int) Math.min(100, incidents * 10);
        List<String> securityAdvice = incidents == 0 ? List.of("セキュリティイベントは検出されていません。")
                : List.of("異常な利用パターンが検出されました。利用者と権限を確認してください。");
        boolean compliant = checks.stream().allMatch(Check::passed);
        List<String> advice = new ArrayList<>();
        checks.stream().filter(c -> !c.passed()).forEach(c -> advice.add(c.name() + ": " + c.detail()));
        if (advice.isEmpty()) {
            advice.add("すべてのコンプライアンスチェックに合格しています。");
        }
        return new AuditReport(new AuditReport.Period(from, to),
                new AuditReport.Summary(credits, count, count == 0 ? 0 : weightedMs / count, incidents),
                new AuditReport.Usage(functions,
                        daily.stream().map(r -> new AuditReport.DailyTrend(date(r[0]), num(r[1]))).toList(),
                        hours.stream().map(r -> new AuditReport.HourUsage(((Number) r[0]).intValue(), num(r[1]))).toList()),
                new AuditReport.Security(security.stream().map(r -> new AuditReport.EventCount((String) r[0], num(r[1]))).toList(),
                        risk, securityAdvice),
                new AuditReport.Compliance(compliant ? "COMPLIANT" : "NON_COMPLIANT", checks, clock.instant(),
                        LocalDate.ofInstant(clock.instant(), ZoneId.of("Asia/Tokyo")).plusMonths(3)),
                advice);
    }

    private Uni<List<Check>> checks(CreditAccount account, Instant start, Instant end) {
        return query("select count(*) from ai_credit_transactions t where t.account_id = ?1 and t.created_at >= ?2 "
                + "and t.created_at < ?3 and not exists (select 1 from system_events e where e.entity_id = cast(t.id as varchar) "
                + "and e.event_type = 'CREDIT_TRANSACTION')", account.id, start, end)
                .chain(missingAudit -> query("select count(*) from system_events where tenant_id = ?1 and event_type = 'SETTINGS_CHANGE' "
                        + "and action <> 'PLAN_CHANGED' and user_id is null and occurred_at >= ?2 and occurred_at < ?3",
                        account.tenantId, start, end)
                        .chain(anonymous -> query("select count(*) from ai_credit_transactions where account_id = ?1 "
                                + "and balance_after < 0", account.id)
                                .map(negative -> {
                                    long missing = num(missingAudit.get(0));
                                    long anon = num(anonymous.get(0));
                                    boolean tls = datasourceUrl.contains("sslmode=require") || datasourceUrl.contains("sslmode=verify");
                                    return List.of(
                                            new Check("DATA_RETENTION", num(negative.get(0)) == 0,
                                                    "The ledger is append-only; entries are never updated or deleted"),
                                            new Check("ACCESS_CONTROL", anon == 0, anon == 0
                                                    ? "Every settings change names the admin who made it"
                                                    : anon + " settings changes without a user"),
                                            new Check("ENCRYPTION", tls, tls ? "The database connection requires TLS"
                                                    : "The database connection does not require TLS (set sslmode=require)"),
                                            new Check("AUDIT_TRAIL", missing == 0, missing == 0
                                                    ? "Every ledger entry of the period has its audit record"
                                                    : missing + " ledger entries without an audit record"));
                                })));
    }

    @SuppressWarnings("unchecked")
    private static Uni<List<Object[]>> query(String sql, Object... params) {
        return Panache.getSession().chain(s -> {
            var q = s.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
            }
            return q.getResultList().map(rows -> {
                List<Object[]> out = new ArrayList<>();
                for (Object row : (List<Object>) rows) {
                    out.add(row instanceof Object[] a ? a : new Object[] {row});
                }
                return out;
            });
        });
    }

    private static long num(Object o) {
        return o instanceof Object[] a ? ((Number) a[0]).longValue() : ((Number) o).longValue();
    }

    private static LocalDate date(Object o) {
        return o instanceof Date d ? d.toLocalDate() : (LocalDate) o;
    }
}
