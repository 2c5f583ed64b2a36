package io.hotelcrm.gateway.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The built-in analysis: RFM segmentation of member data sent in customOptions, either per member or as
 * raw transactions:
 * <pre>
 * {"members": [{"memberId": "M001", "lastVisit": "2026-11-02", "visits": 12, "totalSpend": 480000}, ...],
 *  "asOf": "2026-11-20"}                                   // optional: the latest date in the data
 * {"transactions": [{"memberId": "M001", "date": "2026-11-02", "amount": 32000}, ...]}
 * </pre>
 * Recency (days since the last visit, fewer is better), frequency (visits) and monetary (spend) are each
 * scored 1-5 by quintile: score = max(1, ceil(5 × midrank / n)), midrank = members worse + (members equal
 * + 1) / 2, so ties share a score and the best fifth scores 5. Segments, first rule that matches:
 * 優良顧客 R≥4, F≥4, M≥4; 離反リスク R≤2 and (F≥3 or M≥4); ロイヤル顧客 R≥3, F≥3; 新規顧客 R≥4, F≤2;
 * 有望顧客 R=3, F≤2; 休眠顧客 the rest. Confidence grows with the member count (quintiles mean little
 * below 25 members). Units for the cost: rows sent.
 */
@ApplicationScoped
public class LocalAnalyst extends LocalEngine {

    static final int FULL_CONFIDENCE_MEMBERS = 25;

    /** The segments in report order, with what to do about each. */
    enum Segment {
        CHAMPIONS("優良顧客", "VIP特典や客室アップグレードで関係を維持しましょう。"),
        AT_RISK("離反リスク", "以前はよく利用されていたお客様です。再来訪を促す特別オファーをお送りしましょう。"),
        LOYAL("ロイヤル顧客", "会員ランク特典やご紹介プログラムで愛顧に応えましょう。"),
        NEW("新規顧客", "2回目のご宿泊につながるお礼とフォローアップをお送りしましょう。"),
        PROMISING("有望顧客", "ご利用頻度を高める連泊・季節プランをご提案しましょう。"),
        HIBERNATING("休眠顧客", "費用の少ないメール等で再接触し、反応を確かめましょう。");

        final String japanese;
        final String action;

        Segment(String japanese, String action) {
            this.japanese = japanese;
            this.action = action;
        }

        static Segment of(int r, int f, int m) {
            if (r >= 4 && f >= 4 && m >= 4) {
                return CHAMPIONS;
            }
            if (r <= 2 && (f >= 3 || m >= 4)) {
                return AT_RISK;
            }
            if (r >= 3 && f >= 3) {
                return LOYAL;
            }
            if (r >= 4) {
                return NEW;
            }
            return r == 3 ? PROMISING : HIBERNATING;
        }
    }

    private final ObjectMapper json;

    public LocalAnalyst(ObjectMapper json) {
        super(FunctionType.ANALYSIS);
        this.json = json;
    }

    @Override
    public Uni<EngineResult> run(EngineRequest request) {
        return Uni.createFrom().item(() -> analyse(request.options()));
    }

    private record Member(String id, LocalDate lastVisit, long visits, double spend) {
    }

    private EngineResult analyse(JsonNode options) {
        JsonNode rows = options == null ? null : options.has("members") ? options.get("members")
                : options.get("transactions");
        if (rows == null || !rows.isArray() || rows.isEmpty()) {
            throw ApiException.validation("analysis needs customOptions.members [{memberId, lastVisit, visits, "
                    + "totalSpend}] or customOptions.transactions [{memberId, date, amount}]");
        }
        List<Member> members = options.has("members") ? members(rows) : fromTransactions(rows);
        LocalDate asOf = options.hasNonNull("asOf") ? date(options.get("asOf"), "asOf")
                : members.stream().map(Member::lastVisit).max(Comparator.naturalOrder()).orElseThrow();
        int n = members.size();
        double[] recency = members.stream().mapToDouble(m -> -ChronoUnit.DAYS.between(m.lastVisit(), asOf)).toArray();
        int[] r = quintiles(recency);
        int[] f = quintiles(values(members, m -> m.visits()));
        int[] mScores = quintiles(values(members, Member::spend));

        Map<Segment, List<Integer>> bySegment = new LinkedHashMap<>();
        for (Segment s : Segment.values()) {
            bySegment.put(s, new ArrayList<>());
        }
        ObjectNode data = json.createObjectNode();
        data.put("asOf", asOf.toString()).put("memberCount", n);
        ArrayNode scored = json.createArrayNode();
        for (int i = 0; i < n; i++) {
            Member m = members.get(i);
            Segment s = Segment.of(r[i], f[i], mScores[i]);
            bySegment.get(s).add(i);
            scored.addObject().put("memberId", m.id()).put("recencyDays", ChronoUnit.DAYS.between(m.lastVisit(), asOf))
                    .put("frequency", m.visits()).put("monetary", m.spend())
                    .put("r", r[i]).put("f", f[i]).put("m", mScores[i]).put("rfm", "" + r[i] + f[i] + mScores[i])
                    .put("segment", s.japanese);
        }
        ArrayNode segments = data.putArray("segments");
        StringBuilder summary = new StringBuilder("会員" + n + "名をRFM分析しました（基準日 " + asOf + "）。");
        List<String> parts = new ArrayList<>();
        bySegment.forEach((s, idx) -> {
            double share = (double) idx.size() / n;
            double avgSpend = idx.stream().mapToDouble(i -> members.get(i).spend()).average().orElse(0);
            segments.addObject().put("segment", s.japanese).put("count", idx.size()).put("share", round(share))
                    .put("averageMonetary", Math.round(avgSpend)).put("action", s.action);
            if (!idx.isEmpty()) {
                parts.add(s.japanese + idx.size() + "名（" + Math.round(share * 100) + "%）");
            }
        });
        summary.append(String.join("、", parts)).append("です。");
        int champions = bySegment.get(Segment.CHAMPIONS).size();
        int atRisk = bySegment.get(Segment.AT_RISK).size();
        if (atRisk > 0) {
            summary.append("離反リスクの").append(atRisk).append("名には").append(Segment.AT_RISK.action);
        } else if (champions > 0) {
            summary.append("優良顧客の").append(champions).append("名には").append(Segment.CHAMPIONS.action);
        }
        data.set("members", scored);
        double confidence = round(Math.min(1.0, (double) n / FULL_CONFIDENCE_MEMBERS));
        return new EngineResult(summary.toString(), confidence, null, data, "local-rfm", 0, 0, rows.size());
    }

    private static List<Member> members(JsonNode rows) {
        Map<String, Member> out = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            String id = row.path("memberId").asText("").strip();
            if (id.isEmpty() || !row.path("visits").canConvertToLong() || row.path("visits").asLong() < 0
                    || !row.path("totalSpend").isNumber() || row.path("totalSpend").asDouble() < 0) {
                throw ApiException.validation("every member needs memberId, lastVisit (a date), visits >= 0 and "
                        + "totalSpend >= 0");
            }
            if (out.put(id, new Member(id, date(row.path("lastVisit"), "lastVisit"), row.path("visits").asLong(),
                    row.path("totalSpend").asDouble())) != null) {
                throw ApiException.validation("memberId " + id + " occurs twice in customOptions.members");
            }
        }
        return new ArrayList<>(out.values());
    }

    private static List<Member> fromTransactions(JsonNode rows) {
        Map<String, Member> out = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            String id = row.path("memberId").asText("").strip();
            if (id.isEmpty() || !row.path("amount").isNumber() || row.path("amount").asDouble() < 0) {
                throw ApiException.validation("every transaction needs memberId, date and amount >= 0");
            }
            LocalDate date = date(row.path("date"), "date");
            double amount = row.path("amount").asDouble();
            out.merge(id, new Member(id, date, 1, amount), (a, b) -> new Member(id,
                    a.lastVisit().isAfter(b.lastVisit()) ? a.lastVisit() : b.lastVisit(), a.visits() + 1,
                    a.spend() + b.spend()));
        }
        return new ArrayList<>(out.values());
    }

    /** 1-5 by quintile of "goodness" (higher value is better), ties sharing the score of their midrank. */
    static int[] quintiles(double[] values) {
        int n = values.length;
        int[] scores = new int[n];
        for (int i = 0; i < n; i++) {
            int worse = 0;
            int equal = 0;
            for (double v : values) {
                if (v < values[i]) {
                    worse++;
                } else if (v == values[i]) {
                    equal++;
                }
            }
            double midrank = worse + (equal + 1) / 2.0;
            scores[i] = (int) Math.max(1, Math.min(5, Math.ceil(5 * midrank / n - 1e-9)));
        }
        return scores;
    }

    private static double[] values(List<Member> members, ToDoubleFunction<Member> metric) {
        return members.stream().mapToDouble(metric).toArray();
    }

    private static LocalDate date(JsonNode value, String field) {
        try {
            return LocalDate.parse(value.asText());
        } catch (RuntimeException e) {
            throw ApiException.validation(field + " must be a date such as 2026-11-01");
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
