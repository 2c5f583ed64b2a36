package io.hotelcrm.gateway.provider.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.platform.problem.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The messages sent to the LLM for each function (system prompts in the guide's words where it has them). */
final class Prompts {

    /** The guide's system prompt for recommendations. */
    static final String RECOMMENDATION = "あなたはホテルの顧客分析専門家です。顧客データを分析して、パーソナライズされた推薦を行ってください。";
    static final String CHATBOT = "あなたはホテルのコンシェルジュです。宿泊客の質問に、丁寧な日本語で簡潔に答えてください。"
            + "分からないことは推測せず、フロントへの問い合わせを案内してください。";
    static final String PREDICTION = "あなたはホテルの需要予測の専門家です。与えられた時系列データから予測を行い、"
            + "予測値と根拠を分かりやすい日本語で説明してください。";
    static final String ANALYSIS = "あなたはホテルの会員データ分析の専門家です。与えられたデータを分析し、"
            + "顧客セグメントと施策を日本語で提案してください。";

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

    private Prompts() {
    }

    static List<ChatMessage> messagesFor(EngineRequest request) {
        if (!request.messages().isEmpty()) { // the OpenAI-compatible API: the caller's conversation as sent
            List<ChatMessage> messages = new ArrayList<>();
            for (EngineRequest.ChatTurn turn : request.messages()) {
                messages.add(switch (turn.role()) {
                    case "system", "developer" -> SystemMessage.from(turn.content());
                    case "assistant" -> AiMessage.from(turn.content());
                    default -> UserMessage.from(turn.content());
                });
            }
            return messages;
        }
        JsonNode options = request.options();
        return switch (request.function()) {
            case CHATBOT -> List.of(SystemMessage.from(CHATBOT), UserMessage.from(request.input()));
            case RECOMMENDATION -> List.of(SystemMessage.from(RECOMMENDATION), UserMessage.from(
                    "顧客データ: " + json(options) + "\n\n" + request.input() + "\n\n推薦内容を生成してください。"));
            case PREDICTION -> List.of(SystemMessage.from(PREDICTION),
                    UserMessage.from(request.input() + "\n\nデータ: " + json(options)));
            case ANALYSIS -> List.of(SystemMessage.from(ANALYSIS),
                    UserMessage.from(request.input() + "\n\nデータ: " + json(options)));
            case CUSTOM -> custom(request);
        };
    }

    /**
     * CUSTOM: {@code customOptions.template} with {@code {{input}}} and {@code {{name}}} placeholders filled
     * from the input and {@code customOptions.variables}; {@code customOptions.system} is an optional system
     * prompt. Without a template the input is the prompt.
     */
    private static List<ChatMessage> custom(EngineRequest request) {
        JsonNode options = request.options();
        String template = text(options, "template");
        String prompt = request.input();
        if (template != null) {
            JsonNode variables = options.get("variables");
            Matcher m = VARIABLE.matcher(template);
            StringBuilder filled = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String value = "input".equals(name) ? request.input()
                        : variables != null && variables.hasNonNull(name) ? variables.get(name).asText() : null;
                if (value == null) {
                    throw ApiException.validation("customOptions.variables." + name + " is used by the template but missing");
                }
                m.appendReplacement(filled, Matcher.quoteReplacement(value));
            }
            m.appendTail(filled);
            prompt = filled.toString();
        }
        if (prompt.isBlank()) {
            throw ApiException.validation("custom needs parameters.input or customOptions.template");
        }
        String system = text(options, "system");
        return system == null ? List.of(UserMessage.from(prompt))
                : List.of(SystemMessage.from(system), UserMessage.from(prompt));
    }

    private static String text(JsonNode options, String field) {
        return options != null && options.hasNonNull(field) ? options.get(field).asText() : null;
    }

    private static String json(JsonNode options) {
        return options == null ? "{}" : options.toString();
    }
}
