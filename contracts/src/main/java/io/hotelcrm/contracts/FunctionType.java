package io.hotelcrm.contracts;

/** The AI functions a tenant can run and pay for with credits (product.md §3). */
public enum FunctionType {
    CHATBOT("チャットボット"),
    RECOMMENDATION("レコメンデーション"),
    PREDICTION("予測"),
    ANALYSIS("分析"),
    CUSTOM("カスタム");

    private final String japaneseName;

    FunctionType(String japaneseName) {
        this.japaneseName = japaneseName;
    }

    /** The name hotel staff see, e.g. in 「チャットボット機能の実行には2クレジットが必要です」. */
    public String japaneseName() {
        return japaneseName;
    }

    /** Case-insensitive lookup (the public API takes lower case); null when unknown. */
    public static FunctionType parse(String value) {
        if (value == null) {
            return null;
        }
        for (FunctionType t : values()) {
            if (t.name().equalsIgnoreCase(value)) {
                return t;
            }
        }
        return null;
    }
}
