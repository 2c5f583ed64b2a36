package io.hotelcrm.alert.log;

/** What an alert is about (product.md §6), with the Japanese name staff see. */
public enum AlertType {
    LOW_BALANCE("残高不足"),
    USAGE_SPIKE("使用量急増"),
    PAYMENT_FAILED("決済失敗"),
    AUTO_PURCHASE_FAILED("自動購入失敗"),
    SUSPICIOUS_ACTIVITY("不審なアクティビティ"),
    MONTHLY_RESET("月次リセット"),
    CREDITS_ADDED("クレジット追加"),
    SYSTEM_HEALTH("システムヘルス");

    private final String label;

    AlertType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Lenient lookup for stored names: a type a newer version wrote is ignored, not a crash. */
    public static java.util.Optional<AlertType> valueOfOptional(String name) {
        for (AlertType t : values()) {
            if (t.name().equals(name)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }
}
