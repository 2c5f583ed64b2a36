package io.hotelcrm.alert;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what GreenMail (the local SMTP server, see dev/lib.sh) received, through its REST API. */
public final class GreenMailInbox {

    static final String API = System.getProperty("greenmail.api", "http://127.0.0.1:8025");

    public record Message(String subject, String raw) {

        /** A header of the message (the first one of that name), or null. */
        public String header(String name) {
            Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ": (.*)$").matcher(headers());
            return m.find() ? m.group(1).trim() : null;
        }

        String headers() {
            int end = raw.indexOf("\r\n\r\n");
            return end < 0 ? raw : raw.substring(0, end);
        }

        /** The decoded text of the part with this content type (text/plain or text/html). */
        public String part(String contentType) {
            Matcher boundary = Pattern.compile("boundary=\"?([^\";\r\n]+)\"?").matcher(raw);
            List<String> parts = new ArrayList<>();
            if (boundary.find()) {
                for (String p : raw.split(Pattern.quote("--" + boundary.group(1)))) {
                    parts.add(p);
                }
            } else {
                parts.add(raw);
            }
            for (String p : parts) {
                int split = p.indexOf("\r\n\r\n");
                if (split < 0) {
                    continue;
                }
                String head = p.substring(0, split).toLowerCase();
                if (head.contains("content-type: " + contentType)) {
                    String body = p.substring(split + 4);
                    if (head.contains("content-transfer-encoding: base64")) {
                        return new String(Base64.getMimeDecoder().decode(body.trim()), StandardCharsets.UTF_8);
                    }
                    if (head.contains("content-transfer-encoding: quoted-printable")) {
                        return quotedPrintable(body);
                    }
                    return body;
                }
            }
            return null;
        }

        private static String quotedPrintable(String s) {
            String joined = s.replace("=\r\n", "");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < joined.length(); i++) {
                char c = joined.charAt(i);
                if (c == '=' && i + 2 < joined.length()) {
                    out.write(Integer.parseInt(joined.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    out.write(c);
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private GreenMailInbox() {
    }

    /** Messages received for {@code address}; empty while none arrived (GreenMail answers 400 then). */
    public static List<Message> of(String address) {
        var response = given().baseUri(API).get("/api/user/" + address + "/messages/INBOX");
        if (response.statusCode() == 400) {
            return List.of();
        }
        List<Map<String, Object>> rows = JsonPath.from(response.then().statusCode(200).extract().asString()).getList("$");
        return rows.stream().map(r -> new Message((String) r.get("subject"), (String) r.get("mimeMessage"))).toList();
    }
}
