package io.hotelcrm.system.fault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The faults of one run, derived from its seed alone, so a failing seed is replayed by running it again: each
 * service killed with SIGKILL once and started again, PostgreSQL crashed (or shut down fast) and restarted,
 * Kafka stopped and Redis stopped for tens of seconds. Start times fall anywhere in the load window, so faults
 * overlap in ways no one wrote down by hand.
 */
record FaultSchedule(long seed, List<Fault> faults) {

    enum Kind { KILL_SERVICE, RESTART_POSTGRES, STOP_KAFKA, STOP_REDIS }

    /** {@code downMillis}: how long the target stays dead before it is started again. */
    record Fault(Kind kind, String target, long atMillis, long downMillis) {
        String describe() {
            return String.format("t=%5.1fs %-16s %-18s down %4.1fs", atMillis / 1000.0, kind, target, downMillis / 1000.0);
        }
    }

    static FaultSchedule forSeed(long seed, long windowMillis) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        List<Fault> faults = new ArrayList<>();
        // Leave the first 10 % to let the load reach every service, and the last 15 % for the faults to end
        // inside the window; Kafka and Redis outages are the "tens of seconds" of the issue.
        long from = windowMillis / 10;
        long to = windowMillis * 85 / 100;
        for (String service : FaultStack.SERVICES) {
            faults.add(new Fault(Kind.KILL_SERVICE, service, at(random, from, to), 500 + random.nextInt(4_000)));
        }
        faults.add(new Fault(Kind.RESTART_POSTGRES, random.nextBoolean() ? "immediate" : "fast",
                at(random, from, to), 1_000 + random.nextInt(6_000)));
        faults.add(new Fault(Kind.STOP_KAFKA, "kafka", at(random, from, to * 7 / 10), 10_000 + random.nextInt(15_000)));
        faults.add(new Fault(Kind.STOP_REDIS, "redis", at(random, from, to * 7 / 10), 10_000 + random.nextInt(10_000)));
        faults.sort(Comparator.comparingLong(Fault::atMillis));
        return new FaultSchedule(seed, List.copyOf(faults));
    }

    private static long at(Random random, long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }
}
