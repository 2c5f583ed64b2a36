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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in recommendation: collaborative filtering over the stay and purchase history sent in
 * customOptions, offline and explainable.
 * <pre>
 * {"guestId": "G001",                        // recommend for this guest, or
 *  "itemId": "spa",                          // items that go with this one
 *  "history": [{"guestId": "G001", "itemId": "spa", "quantity": 2}, ...],
 *  "items": [{"itemId": "spa", "name": "スパトリートメント"}],   // optional display names
 *  "limit": 5}
 * </pre>
 * A guest is a vector of items weighted 1 + ln(quantity). For a guest: the {@value #NEIGHBOURS} most similar
 * guests by cosine; each item the guest has not had scores
 * {@code 0.5 × Σ sim(guest, neighbour)·has(neighbour, item) / Σ sim} (the similarity-weighted share of
 * similar guests who had it — also its confidence) {@code + 0.5 × mean cosine(item, the guest's items)}
 * (item-based, over the guests who had both). A guest without history gets the most popular items. For an
 * item: the other items by cosine over the guests who had them. Units for the cost: rows of history.
 */
@ApplicationScoped
public class LocalRecommender extends LocalEngine {

    static final int NEIGHBOURS = 10;
    static final int MAX_LIMIT = 20;

    private final ObjectMapper json;

    public LocalRecommender(ObjectMapper json) {
        super(FunctionType.RECOMMENDATION);
        this.json = json;
    }

    @Override
    public Uni<EngineResult> run(EngineRequest request) {
        return Uni.createFrom().item(() -> recommend(request.options()));
    }

    private EngineResult recommend(JsonNode options) {
        if (options == null || !options.path("history").isArray() || options.path("history").isEmpty()) {
            throw ApiException.validation("recommendation needs customOptions.history: [{guestId, itemId, quantity}]");
        }
        String guest = text(options, "guestId");
        String item = text(options, "itemId");
        if (guest == null && item == null) {
            throw ApiException.validation("recommendation needs customOptions.guestId (for a guest) or itemId (for an item)");
        }
        int limit = options.path("limit").asInt(5);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.validation("customOptions.limit must be 1-" + MAX_LIMIT);
        }
        JsonNode history = options.path("history");
        Map<String, Map<String, Double>> guests = new TreeMap<>(); // guest -> item -> weight
        for (JsonNode row : history) {
            String g = text(row, "guestId");
            String i = text(row, "itemId");
            double quantity = row.path("quantity").isMissingNode() ? 1 : row.path("quantity").asDouble(-1);
            if (g == null || i == null || quantity <= 0) {
                throw ApiException.validation("every history row needs guestId, itemId and a positive quantity");
            }
            guests.computeIfAbsent(g, k -> new TreeMap<>()).merge(i, quantity, Double::sum);
        }
        guests.values().forEach(items -> items.replaceAll((i, q) -> 1 + Math.log(q)));
        Map<String, Map<String, Double>> items = new TreeMap<>(); // item -> guest -> weight
        guests.forEach((g, its) -> its.forEach((i, w) -> items.computeIfAbsent(i, k -> new TreeMap<>()).put(g, w)));
        Map<String, String> names = names(options.path("items"));
        ObjectNode data = json.createObjectNode();
        List<Recommendation> ranked = guest != null
                ? forGuest(guest, guests, items, names, data)
                : forItem(item, items, names, data);
        List<Recommendation> top = ranked.subList(0, Math.min(limit, ranked.size()));
        ArrayNode list = data.putArray("recommendations");
        int rank = 1;
        for (Recommendation r : top) {
            list.addObject().put("rank", rank++).put("itemId", r.item()).put("name", names.getOrDefault(r.item(), r.item()))
                    .put("score", round(r.score())).put("confidence", round(r.confidence())).put("reason", r.reason());
        }
        String subject = guest != null ? "ゲスト" + guest + "様" : "「" + names.getOrDefault(item, item) + "」をご利用のお客様";
        String output = top.isEmpty()
                ? subject + "にお勧めできる商品は見つかりませんでした（履歴に未利用の商品がありません）。"
                : subject + "へのおすすめは「" + names.getOrDefault(top.get(0).item(), top.get(0).item()) + "」です。"
                        + top.get(0).reason();
        List<String> alternatives = top.stream().skip(1).map(r -> names.getOrDefault(r.item(), r.item())).toList();
        double confidence = top.isEmpty() ? 0 : round(top.get(0).confidence());
        return new EngineResult(output, confidence, alternatives, data, "local-collaborative-filtering", 0, 0,
                history.size());
    }

    private record Recommendation(String item, double score, double confidence, String reason) {
    }

    private List<Recommendation> forGuest(String guest, Map<String, Map<String, Double>> guests,
                                          Map<String, Map<String, Double>> items, Map<String, String> names,
                                          ObjectNode data) {
        Map<String, Double> own = guests.getOrDefault(guest, Map.of());
        data.put("mode", own.isEmpty() ? "popular" : "guest").put("guestId", guest);
        if (own.isEmpty()) {
            return popular(items, guests.size(), names);
        }
        record Neighbour(String guest, double similarity) {
        }
        List<Neighbour> neighbours = guests.entrySet().stream().filter(e -> !e.getKey().equals(guest))
                .map(e -> new Neighbour(e.getKey(), cosine(own, e.getValue())))
                .filter(n -> n.similarity() > 0)
                .sorted(Comparator.comparingDouble(Neighbour::similarity).reversed().thenComparing(Neighbour::guest))
                .limit(NEIGHBOURS).toList();
        ArrayNode similar = data.putArray("similarGuests");
        neighbours.forEach(n -> similar.addObject().put("guestId", n.guest()).put("similarity", round(n.similarity()))
                .put("sharedItems", guests.get(n.guest()).keySet().stream().filter(own::containsKey).count()));
        double simSum = neighbours.stream().mapToDouble(Neighbour::similarity).sum();
        List<Recommendation> out = new ArrayList<>();
        for (String candidate : items.keySet()) {
            if (own.containsKey(candidate)) {
                continue;
            }
            List<Neighbour> had = neighbours.stream().filter(n -> guests.get(n.guest()).containsKey(candidate)).toList();
            double userBased = simSum == 0 ? 0 : had.stream().mapToDouble(Neighbour::similarity).sum() / simSum;
            String because = null;
            double best = 0;
            double itemSum = 0;
            for (String mine : own.keySet()) {
                double c = cosine(items.get(candidate), items.get(mine));
                itemSum += c;
                if (c > best) {
                    best = c;
                    because = mine;
                }
            }
            double itemBased = itemSum / own.size();
            double score = 0.5 * userBased + 0.5 * itemBased;
            if (score <= 0) {
                continue;
            }
            StringBuilder reason = new StringBuilder();
            if (!had.isEmpty()) {
                reason.append("似ている").append(neighbours.size()).append("名のゲストのうち").append(had.size())
                        .append("名が利用しています。");
            }
            if (because != null) {
                long both = items.get(because).keySet().stream().filter(items.get(candidate)::containsKey).count();
                reason.append("「").append(names.getOrDefault(because, because)).append("」を利用した")
                        .append(items.get(because).size()).append("名のうち").append(both).append("名が利用しています。");
            }
            out.add(new Recommendation(candidate, score, userBased, reason.toString()));
        }
        out.sort(Comparator.comparingDouble(Recommendation::score).reversed().thenComparing(Recommendation::item));
        return out;
    }

    private List<Recommendation> forItem(String item, Map<String, Map<String, Double>> items, Map<String, String> names,
                                         ObjectNode data) {
        data.put("mode", "item").put("itemId", item);
        Map<String, Double> users = items.get(item);
        if (users == null) {
            throw ApiException.validation("customOptions.itemId '" + item + "' does not occur in the history");
        }
        List<Recommendation> out = new ArrayList<>();
        items.forEach((other, otherUsers) -> {
            if (other.equals(item)) {
                return;
            }
            double c = cosine(users, otherUsers);
            long both = users.keySet().stream().filter(otherUsers::containsKey).count();
            if (c > 0) {
                out.add(new Recommendation(other, c, (double) both / users.size(), "「" + names.getOrDefault(item, item)
                        + "」を利用した" + users.size() + "名のうち" + both + "名がこちらも利用しています。"));
            }
        });
        out.sort(Comparator.comparingDouble(Recommendation::score).reversed().thenComparing(Recommendation::item));
        return out;
    }

    private static List<Recommendation> popular(Map<String, Map<String, Double>> items, int guestCount,
                                                Map<String, String> names) {
        List<Recommendation> out = new ArrayList<>();
        items.forEach((item, users) -> {
            double share = (double) users.size() / guestCount;
            out.add(new Recommendation(item, share, share * 0.5, "履歴がないため、人気の商品をご案内します（"
                    + guestCount + "名中" + users.size() + "名が利用）。"));
        });
        out.sort(Comparator.comparingDouble(Recommendation::score).reversed().thenComparing(Recommendation::item));
        return out;
    }

    private static double cosine(Map<String, Double> a, Map<String, Double> b) {
        double dot = 0;
        for (Map.Entry<String, Double> e : a.entrySet()) {
            Double w = b.get(e.getKey());
            if (w != null) {
                dot += e.getValue() * w;
            }
        }
        double norms = norm(a) * norm(b);
        return norms == 0 ? 0 : dot / norms;
    }

    private static double norm(Map<String, Double> v) {
        double s = 0;
        for (double x : v.values()) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static Map<String, String> names(JsonNode catalogue) {
        Map<String, String> names = new HashMap<>();
        if (catalogue.isArray()) {
            for (JsonNode i : catalogue) {
                String id = text(i, "itemId");
                String name = text(i, "name");
                if (id != null && name != null) {
                    names.put(id, name);
                }
            }
        }
        return names;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText().strip() : v.isNumber() ? v.asText() : null;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
