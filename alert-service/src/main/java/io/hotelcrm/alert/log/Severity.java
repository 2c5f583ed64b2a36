package io.hotelcrm.alert.log;

/**
 * How urgent an alert is. CRITICAL e-mails go out with high priority; Slack shows the emoji and
 * colour (the guide leaves both open; these follow Slack's own good / warning / danger).
 */
public enum Severity {
    INFO("情報", ":information_source:", "good"),
    WARNING("警告", ":warning:", "warning"),
    HIGH("重要", ":exclamation:", "#ff8c00"),
    CRITICAL("緊急", ":rotating_light:", "danger");

    private final String label;
    private final String slackEmoji;
    private final String slackColor;

    Severity(String label, String slackEmoji, String slackColor) {
        this.label = label;
        this.slackEmoji = slackEmoji;
        this.slackColor = slackColor;
    }

    public String label() {
        return label;
    }

    public String slackEmoji() {
        return slackEmoji;
    }

    public String slackColor() {
        return slackColor;
    }
}
