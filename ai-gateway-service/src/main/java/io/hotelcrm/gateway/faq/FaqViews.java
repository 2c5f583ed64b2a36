package io.hotelcrm.gateway.faq;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the FAQ admin API reads and answers. */
public final class FaqViews {

    private FaqViews() {
    }

    @Schema(name = "FaqInput")
    public record FaqInput(
            @Schema(description = "The guest's question, plain text", example = "チェックインは何時からですか")
            @NotBlank @Size(max = 500) String question,
            @Schema(description = "The answer the chatbot gives, plain text", example = "チェックインは14:00からです。")
            @NotBlank @Size(max = 4000) String answer,
            @Schema(description = "Id of a default entry this one replaces for the tenant. When omitted on create, "
                    + "a default asking the same question is replaced automatically; on update, the current "
                    + "setting is kept.", nullable = true)
            String overrides) {
    }

    /**
     * @param source TENANT (the tenant's own) or DEFAULT (shared by every tenant, read-only)
     */
    @Schema(name = "FaqEntry")
    public record FaqView(String id, String question, String answer,
                          @Schema(enumeration = {"TENANT", "DEFAULT"}) String source,
                          @Schema(nullable = true, description = "The default entry this one replaces") String overrides,
                          Instant createdAt, @Schema(nullable = true) Instant updatedAt) {

        static FaqView of(FaqEntry e) {
            return new FaqView(e.id.toString(), e.question, e.answer, e.isDefault() ? "DEFAULT" : "TENANT",
                    e.overridesId == null ? null : e.overridesId.toString(), e.createdAt, e.updatedAt);
        }
    }
}
