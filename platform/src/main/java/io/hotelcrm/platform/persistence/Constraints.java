package io.hotelcrm.platform.persistence;

import io.vertx.pgclient.PgException;

/** Reading database failures that a caller answers on purpose (a concurrent insert of the same key). */
public final class Constraints {

    private static final String UNIQUE_VIOLATION = "23505";

    private Constraints() {
    }

    /** Whether the failure, or a cause of it, is a constraint violation reported by Hibernate or a unique violation from PostgreSQL. */
    public static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException
                    || t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
