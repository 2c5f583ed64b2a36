package io.hotelcrm.gateway.faq;

import java.io.IOException;
import java.io.StringReader;
import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.ja.tokenattributes.BaseFormAttribute;
import org.apache.lucene.analysis.ja.tokenattributes.PartOfSpeechAttribute;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The content words of a Japanese text, by Lucene's kuromoji morphological analyser (IPADIC, shipped in
 * the jar): nouns, verbs and adjectives in their dictionary form (使えますか → 使える), with the words that
 * every question shares left out — particles and auxiliaries, pronouns and counters (何, 時 in 何時),
 * numbers, and verbs of asking (ある, 教える, くださる). What remains says what the question is about:
 * チェックインは何時ですか → {チェックイン}; 朝食は何時から食べられますか → {朝食, 食べる}.
 */
public final class JapaneseTerms {

    /** Parts of speech that carry the topic (prefixes of IPADIC's tags). */
    private static final List<String> CONTENT = List.of("名詞-一般", "名詞-固有名詞", "名詞-サ変接続",
            "名詞-形容動詞語幹", "名詞-副詞可能", "名詞-接尾-一般", "名詞-接尾-サ変接続", "名詞-ナイ形容詞語幹",
            "動詞-自立", "形容詞-自立", "未知語");

    /** Content words that appear in any question and so say nothing about its topic. */
    private static final Set<String> GENERIC = Set.of("ある", "いる", "する", "なる", "できる", "出来る", "教える",
            "くださる", "下さる", "いただく", "頂く", "ござる", "おる", "思う", "言う", "いう", "知る", "分かる",
            "わかる", "こと", "もの", "よう", "ため", "方", "よい", "いい", "良い", "お願い");

    private JapaneseTerms() {
    }

    /** Content word → occurrences, in text order. */
    public static Map<String, Integer> of(String text) {
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase();
        Map<String, Integer> terms = new LinkedHashMap<>();
        // A tokenizer is cheap (the dictionaries are shared singletons) but not thread-safe: one per call.
        try (JapaneseTokenizer tokenizer = new JapaneseTokenizer(null, true, JapaneseTokenizer.Mode.SEARCH)) {
            CharTermAttribute term = tokenizer.addAttribute(CharTermAttribute.class);
            PartOfSpeechAttribute pos = tokenizer.addAttribute(PartOfSpeechAttribute.class);
            BaseFormAttribute base = tokenizer.addAttribute(BaseFormAttribute.class);
            tokenizer.setReader(new StringReader(normalized));
            tokenizer.reset();
            while (tokenizer.incrementToken()) {
                String tag = pos.getPartOfSpeech();
                if (tag == null || CONTENT.stream().noneMatch(tag::startsWith)) {
                    continue;
                }
                String word = base.getBaseForm() != null ? base.getBaseForm() : term.toString();
                word = stemKatakana(word);
                if (GENERIC.contains(word) || word.codePoints().noneMatch(Character::isLetter)) {
                    continue;
                }
                terms.merge(word, 1, Integer::sum);
            }
            tokenizer.end();
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return terms;
    }

    /** サーバー and サーバ are one word: a long katakana word loses its final long-vowel mark. */
    private static String stemKatakana(String word) {
        return word.length() > 3 && word.endsWith("ー") ? word.substring(0, word.length() - 1) : word;
    }
}
