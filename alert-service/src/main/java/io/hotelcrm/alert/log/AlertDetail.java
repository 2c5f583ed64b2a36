package io.hotelcrm.alert.log;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One line of an alert's particulars, labelled in Japanese (e.g. 現在の残高: 8 クレジット). */
@Schema(description = "One particular of an alert, labelled for people")
public record AlertDetail(@Schema(example = "現在の残高") String label, @Schema(example = "8 クレジット") String value) {
}
