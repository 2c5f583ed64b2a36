package io.hotelcrm.platform.inbox;

/**
 * A record that can never be applied, however often it is retried: not an event envelope, a schema version the
 * consumer does not read, data that is not the type's payload. The inbox does not retry it: the channel's
 * dead-letter strategy publishes it to the dead-letter topic, where it waits for an operator's replay. An effect
 * may throw it for an event that is well-formed but contradicts itself; nothing else may, since a dead-lettered
 * money event is one that the events behind it overtake.
 */
public class PermanentEventFailure extends RuntimeException {

    public PermanentEventFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
