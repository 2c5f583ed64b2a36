package io.hotelcrm.gateway.provider.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.faq.FaqKnowledge;
import io.hotelcrm.gateway.faq.FaqSearch;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The built-in chatbot: answers from the tenant's FAQ (its own entries, then the defaults it has not
 * overridden) by Japanese-aware retrieval ({@link FaqSearch}: kuromoji content words and character
 * bigrams), offline and without a key. A question unlike every entry gets an honest "not found".
 */
@ApplicationScoped
public class LocalChatbot extends LocalEngine {

    static final String NOT_FOUND = "申し訳ございません。該当するご案内が見つかりませんでした。フロントまでお問い合わせください。";

    private final ObjectMapper json;
    private final FaqSearch search;
    private final FaqKnowledge knowledge;

    public LocalChatbot(ObjectMapper json, FaqSearch search, FaqKnowledge knowledge) {
        super(FunctionType.CHATBOT);
        this.json = json;
        this.search = search;
        this.knowledge = knowledge;
    }

    @Override
    public Uni<EngineResult> run(EngineRequest request) {
        return knowledge.of(request.tenantId()).map(entries -> {
            List<FaqSearch.Match> ranked = search.rank(request.input(), entries);
            boolean found = !ranked.isEmpty() && ranked.get(0).score() >= FaqSearch.MIN_SIMILARITY;
            String output = found ? ranked.get(0).entry().answer : NOT_FOUND;
            double confidence = ranked.isEmpty() ? 0 : Math.round(ranked.get(0).score() * 100) / 100.0;
            List<String> alternatives = ranked.stream().skip(found ? 1 : 0).limit(2)
                    .filter(s -> s.score() > 0).map(s -> s.entry().question).toList();
            var data = json.createObjectNode().put("matched", found)
                    .put("matchedQuestion", found ? ranked.get(0).entry().question : null)
                    .put("matchedEntryId", found ? ranked.get(0).entry().id.toString() : null)
                    .put("source", found ? (ranked.get(0).entry().isDefault() ? "DEFAULT" : "TENANT") : null);
            long promptTokens = request.input().length();
            long completionTokens = output.length();
            return new EngineResult(output, confidence, alternatives, data, search.method(), promptTokens,
                    completionTokens, promptTokens + completionTokens);
        });
    }
}
