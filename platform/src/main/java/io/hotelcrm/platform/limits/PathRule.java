package io.hotelcrm.platform.limits;

import java.util.Arrays;

/**
 * One {@code METHOD /path} rule of a limit group, e.g. {@code GET /api/v1/credits/analytics} or
 * {@code * /api/v1/**}. A segment {@code *} matches one segment, a trailing {@code **} any rest (none included);
 * the method {@code *} any method. Paths compare without a trailing slash.
 */
record PathRule(String method, String[] segments) {

    static PathRule parse(String rule) {
        String[] parts = rule.trim().split("\\s+");
        if (parts.length != 2 || !parts[1].startsWith("/")) {
            throw new IllegalArgumentException("an API limit path rule is 'METHOD /path', not '" + rule + "'");
        }
        return new PathRule(parts[0].toUpperCase(), split(parts[1]));
    }

    boolean matches(String requestMethod, String path) {
        if (!method.equals("*") && !method.equalsIgnoreCase(requestMethod)) {
            return false;
        }
        String[] actual = split(path);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].equals("**") && i == segments.length - 1) {
                return true;
            }
            if (i >= actual.length || !(segments[i].equals("*") || segments[i].equals(actual[i]))) {
                return false;
            }
        }
        return actual.length == segments.length;
    }

    private static String[] split(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    @Override
    public String toString() {
        return method + " /" + String.join("/", segments);
    }
}
