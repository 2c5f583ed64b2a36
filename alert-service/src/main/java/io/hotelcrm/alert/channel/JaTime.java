package io.hotelcrm.alert.channel;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times as the guide shows them ({@code toLocaleString('ja-JP')}): 2026/11/24 15:03:07. */
public final class JaTime {

    private static final DateTimeFormatter JA_JP = DateTimeFormatter.ofPattern("uuuu/M/d H:mm:ss");

    private JaTime() {
    }

    public static String format(Instant instant, ZoneId zone) {
        return JA_JP.format(instant.atZone(zone));
    }
}
