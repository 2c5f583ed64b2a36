package io.hotelcrm.gateway.provider.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.faq.FaqEntry;
import io.hotelcrm.gateway.provider.AiEngine;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The built-in chatbot: answers from the tenant's FAQ by Japanese-aware similarity (character
 * bigrams), offline and without a key. A question unlike every entry gets an honest "not found".
 */
@ApplicationScoped
public class LocalChatbot implements AiEngine {

    /** Below this similarity the best entry is not an answer. */
    static final double MIN_SIMILARITY = 0.25;
    static final String NOT_FOUND = "申し訳ございません。該当するご案内が見つかりませんでした。フロントまでお問い合わせください。";

    private final ObjectMapper json;

    public LocalChatbot(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String provider() {
        return "local";
    }

    @Override
    public boolean supports(FunctionType function) {
        return function == FunctionType.CHATBOT;
    }

    @Override
    public Uni<EngineResult> run(EngineRequest request) {
        Set<String> asked = JapaneseText.bigrams(request.input());
        return Panache.withSession(() -> FaqEntry.knowledgeOf(request.tenantId())).map(entries -> {
            record Scored(FaqEntry entry, double score) {
            }
            List<Scored> ranked = entries.stream()
                    .map(e -> new Scored(e, JapaneseText.similarity(asked, JapaneseText.bigrams(e.question))))
                    .sorted(Comparator.comparingDouble(Scored::score).reversed()).toList();
            boolean found = !ranked.isEmpty() && ranked.get(0).score() >= MIN_SIMILARITY;
            String output = found ? ranked.get(0).entry().answer : NOT_FOUND;
            double confidence = ranked.isEmpty() ? 0 : Math.round(ranked.get(0).score() * 100) / 100.0;
            List<String> alternatives = ranked.stream().skip(found ? 1 : 0).limit(2)
                    .filter(s -> s.score() > 0).map(s -> s.entry().question).toList();
            var data = json.createObjectNode().put("matched", found)
                    .put("matchedQuestion", found ? ranked.get(0).entry().question : null);
            long promptTokens = request.input().length();
            long completionTokens = output.length();
            return new EngineResult(output, confidence, alternatives, data, "local-faq-bigram", promptTokens,
                    completionTokens, promptTokens + completionTokens);
        });
    }
}
