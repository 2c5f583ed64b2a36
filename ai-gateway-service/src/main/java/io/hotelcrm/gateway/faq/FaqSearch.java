package io.hotelcrm.gateway.faq;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Finds the FAQ entry that answers a question, Japanese-aware:
 * <pre>
 *   score = 0.75 × cosine(TF-IDF of kuromoji content words) + 0.25 × Dice(character bigrams)
 * </pre>
 * An entry's vector is its question's content words plus its answer's at half weight (the answer to
 * "when is check-in" also tells when check-out is); IDF is taken over the candidate entries, so a word
 * every entry shares counts less. The bigram part keeps near-misses of spelling in play. When the
 * question has no content word (only particles, symbols) or the analyser could not be loaded, the score
 * is the bigram Dice alone — the original dictionary-free method. Below {@link #MIN_SIMILARITY} no entry
 * is an answer.
 * <p>
 * Analysing an entry (kuromoji, bigrams) costs far more than ranking it, so each entry's analysis is kept,
 * keyed by its text: an edited entry is analysed again on its next use, the defaults once for all tenants,
 * and only the question is analysed per request.
 */
@Startup
@ApplicationScoped
public class FaqSearch {

    private static final Logger LOG = Logger.getLogger(FaqSearch.class);

    public static final double MIN_SIMILARITY = 0.25;
    /** At or above this, a tenant's new question is the same question as a default one (and overrides it). */
    public static final double SAME_QUESTION = 0.8;
    static final double TERM_WEIGHT = 0.75;
    static final double ANSWER_WEIGHT = 0.5;

    /** Entries' analyses kept at most; a hotel's FAQ holds tens of entries, so this covers thousands of hotels. */
    static final int ANALYSED_ENTRIES = 50_000;

    private final boolean morphology;
    private final Cache<String, Analysed> analysed = Caffeine.newBuilder().maximumSize(ANALYSED_ENTRIES).build();

    public FaqSearch() {
        this.morphology = loadAnalyser();
    }

    /** An entry's content words (question, then answer at half weight) and its question's bigrams. */
    private record Analysed(Map<String, Double> terms, Set<String> grams) {
    }

    public record Match(FaqEntry entry, double score) {
    }

    /** The model name recorded with each answer. */
    public String method() {
        return morphology ? "local-faq-kuromoji" : "local-faq-bigram";
    }

    /** Entries ranked best first; on a tie the tenant's own entry wins over a default, then the older one. */
    public List<Match> rank(String question, List<FaqEntry> entries) {
        Set<String> askedGrams = JapaneseText.bigrams(question);
        Map<String, Double> asked = terms(question, null);
        List<Analysed> analyses = entries.stream().map(this::analysed).toList();
        List<Map<String, Double>> docs = analyses.stream().map(Analysed::terms).toList();
        Map<String, Double> idf = idf(docs);
        List<Match> ranked = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            double dice = JapaneseText.similarity(askedGrams, analyses.get(i).grams());
            double score = asked.isEmpty() ? dice
                    : TERM_WEIGHT * cosine(weigh(asked, idf), weigh(docs.get(i), idf)) + (1 - TERM_WEIGHT) * dice;
            ranked.add(new Match(entries.get(i), score));
        }
        ranked.sort(Comparator.comparingDouble(Match::score).reversed()
                .thenComparing(m -> m.entry().isDefault())
                .thenComparing(m -> m.entry().createdAt, Comparator.nullsLast(Comparator.naturalOrder())));
        return ranked;
    }

    /** How alike two questions are (0..1), by the same blend without IDF. */
    public double similarity(String a, String b) {
        Map<String, Double> ta = terms(a, null);
        Map<String, Double> tb = terms(b, null);
        double dice = JapaneseText.similarity(JapaneseText.bigrams(a), JapaneseText.bigrams(b));
        return ta.isEmpty() || tb.isEmpty() ? dice : TERM_WEIGHT * cosine(ta, tb) + (1 - TERM_WEIGHT) * dice;
    }

    private Analysed analysed(FaqEntry entry) {
        // The key is the text itself (PostgreSQL text holds no NUL), so no edit can leave a stale analysis.
        return analysed.get(entry.question + '\u0000' + entry.answer,
                k -> new Analysed(Map.copyOf(terms(entry.question, entry.answer)),
                        Set.copyOf(JapaneseText.bigrams(entry.question))));
    }

    private Map<String, Double> terms(String question, String answer) {
        Map<String, Double> terms = new HashMap<>();
        if (!morphology) {
            return terms;
        }
        JapaneseTerms.of(question).forEach((t, n) -> terms.merge(t, (double) n, Double::sum));
        if (answer != null) {
            JapaneseTerms.of(answer).forEach((t, n) -> terms.merge(t, ANSWER_WEIGHT * n, Double::sum));
        }
        return terms;
    }

    /** Smoothed inverse document frequency: ln((N + 1) / (df + 1)) + 1. */
    private static Map<String, Double> idf(List<Map<String, Double>> docs) {
        Map<String, Integer> df = new HashMap<>();
        docs.forEach(d -> d.keySet().forEach(t -> df.merge(t, 1, Integer::sum)));
        Map<String, Double> idf = new HashMap<>();
        df.forEach((t, n) -> idf.put(t, Math.log((docs.size() + 1.0) / (n + 1.0)) + 1));
        return idf;
    }

    private static Map<String, Double> weigh(Map<String, Double> tf, Map<String, Double> idf) {
        Map<String, Double> out = new HashMap<>();
        // A word no entry contains has df 0.
        tf.forEach((t, w) -> out.put(t, w * idf.getOrDefault(t, Math.log(idf.size() + 1.0) + 1)));
        return out;
    }

    private static double cosine(Map<String, Double> a, Map<String, Double> b) {
        double dot = 0;
        for (Map.Entry<String, Double> e : a.entrySet()) {
            dot += e.getValue() * b.getOrDefault(e.getKey(), 0.0);
        }
        double norms = norm(a) * norm(b);
        return norms == 0 ? 0 : dot / norms;
    }

    private static double norm(Map<String, Double> v) {
        return Math.sqrt(v.values().stream().mapToDouble(x -> x * x).sum());
    }

    /** Loads kuromoji's dictionaries now rather than on the first question; false when they cannot be. */
    private static boolean loadAnalyser() {
        try {
            JapaneseTerms.of("チェックインは何時ですか");
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.warnf("kuromoji unavailable, FAQ retrieval falls back to character bigrams: %s", e.toString());
            return false;
        }
    }
}
