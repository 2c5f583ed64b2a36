package io.hotelcrm.gateway.faq;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.Set;

/**
 * Japanese-aware text similarity without a dictionary: NFKC-normalised character bigrams. Japanese has
 * no spaces between words, so word splitting fails; bigrams of kanji and kana capture most of the
 * meaning-bearing pairs (チェック, 朝食, 駐車) and are robust to the particles around them. {@link FaqSearch}
 * blends this with kuromoji's content words ({@link JapaneseTerms}) and falls back to it alone when the
 * morphological analysis finds no content word or is unavailable.
 */
public final class JapaneseText {

    private JapaneseText() {
    }

    public static String normalize(String text) {
        String n = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase();
        StringBuilder out = new StringBuilder();
        n.codePoints().filter(Character::isLetterOrDigit).forEach(out::appendCodePoint);
        return out.toString();
    }

    public static Set<String> bigrams(String text) {
        String n = normalize(text);
        Set<String> grams = new HashSet<>();
        int[] cps = n.codePoints().toArray();
        for (int i = 0; i + 1 < cps.length; i++) {
            grams.add(new String(cps, i, 2));
        }
        if (cps.length == 1) {
            grams.add(n);
        }
        return grams;
    }

    /** Dice coefficient of the bigram sets, 0..1. */
    public static double similarity(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        return 2.0 * common.size() / (a.size() + b.size());
    }
}
