package io.hotelcrm.platform.persistence;

import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Database failures that say "not now" rather than "never": the server is down, restarting or
 * overloaded, or the transaction lost a deadlock or serialisation race. Callers answer them with
 * 503 and Retry-After (a retry may succeed), never with 500.
 */
public final class Transient {

    private Transient() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // SocketException: a connection reset while the server shuts down (the fault suite's seed 1)
            if (t instanceof ConnectException || t instanceof SocketException || t instanceof ClosedConnectionException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof ApiException api && "DATABASE_UNAVAILABLE".equals(api.code())) {
                return true; // the ledger's answer to a transient failure
            }
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                // 08: connection exception; 57P: operator intervention (shutdown, crash); 53: insufficient
                // resources; 40001/40P01: serialisation failure and deadlock.
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                        || state.equals("40001") || state.equals("40P01")) {
                    return true;
                }
            }
            String message = t.getMessage();
            if (message != null && (message.contains("Connection refused") || message.contains("Timeout")
                    || message.contains("Pool closed") || message.contains("Connection is not active"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The step, or DATABASE_UNAVAILABLE once it has taken longer than the limit: a stalled PostgreSQL (a
     * hung connection answers nothing and the reactive client has no statement timeout) costs the caller a
     * bounded wait, not a hang.
     */
    public static <T> Uni<T> bounded(Uni<T> step, Duration limit) {
        return step.ifNoItem().after(limit).failWith(() -> unavailable("The database"));
    }

    /** The 503 a caller gets for a transient database failure. */
    public static ApiException unavailable(String what) {
        return new ApiException(503, "DATABASE_UNAVAILABLE", "一時的に処理できません",
                what + " is temporarily unavailable; retry after a second").withHeader("Retry-After", "1");
    }
}
