package io.hotelcrm.gateway.execution;

import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import java.util.List;
import java.util.function.Consumer;

/**
 * Counts what a stream has sent, so that a stream cut at its deadline is charged for exactly that, and
 * stops passing pieces on once it is cut (the provider may go on sending).
 */
final class StreamMeter implements Consumer<String> {

    private final Consumer<String> sink;
    private final StringBuilder sent = new StringBuilder();
    private boolean cut;

    StreamMeter(Consumer<String> sink) {
        this.sink = sink;
    }

    @Override
    public synchronized void accept(String piece) {
        if (!cut) {
            sent.append(piece);
            sink.accept(piece);
        }
    }

    /**
     * Ends the stream here. The provider's usage is not known yet, so tokens are counted as the local
     * engine counts them, one per character: conservative for Japanese.
     */
    synchronized EngineResult cutOff(EngineRequest request, String model) {
        cut = true;
        long prompt = request.promptChars();
        long completion = sent.length();
        boolean text = request.function() == FunctionType.CHATBOT || request.function() == FunctionType.CUSTOM;
        return new EngineResult(sent.toString(), null, List.of(), null, model, prompt, completion,
                text ? prompt + completion : 0);
    }
}
