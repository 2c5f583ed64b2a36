package io.hotelcrm.alert.log;

/** How urgent an alert is; CRITICAL e-mails go out with high priority. */
public enum Severity {
    INFO, WARNING, HIGH, CRITICAL
}
