package io.hotelcrm.system.fault;

import java.util.List;
import java.util.Map;

/** The per-seed report: the faults as they happened, the load, and one line per invariant. */
final class ResultTable {

    record Run(long seed, long seconds, List<String> faults, Map<String, Long> load, Map<String, Long> answers,
               List<InvariantChecks.Result> checks, String webhooks) {
        boolean ok() {
            return checks.stream().allMatch(InvariantChecks.Result::ok);
        }
    }

    private ResultTable() {
    }

    static String render(Run run) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n==== fault suite, seed ").append(run.seed()).append(": ").append(run.ok() ? "PASSED" : "FAILED")
                .append(" (").append(run.seconds()).append(" s; replay with -Dfault.seeds=").append(run.seed()).append(")\n");
        sb.append("faults:\n");
        run.faults().forEach(f -> sb.append("  ").append(f).append('\n'));
        sb.append("load:\n  ");
        sb.append(String.join(", ", run.load().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        sb.append("\n  webhooks: ").append(run.webhooks()).append('\n');
        sb.append("answers:\n  ");
        sb.append(String.join(", ", run.answers().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        sb.append('\n');
        int width = run.checks().stream().mapToInt(c -> c.name().length()).max().orElse(10);
        String line = "-".repeat(width + 2) + "+------+" + "-".repeat(60) + '\n';
        sb.append(line);
        sb.append(String.format("%-" + (width + 2) + "s| %-4s | %s%n", "invariant", "ok", "seen"));
        sb.append(line);
        for (InvariantChecks.Result c : run.checks()) {
            sb.append(String.format("%-" + (width + 2) + "s| %-4s | %s%n", c.name(), c.ok() ? "yes" : "NO", c.detail()));
        }
        sb.append(line);
        return sb.toString();
    }

    static String summary(List<Run> runs) {
        StringBuilder sb = new StringBuilder("\n==== fault suite summary\n");
        sb.append(String.format("%-8s | %-6s | %-8s | %-9s | %s%n", "seed", "result", "seconds", "invariants", "failed"));
        for (Run r : runs) {
            long held = r.checks().stream().filter(InvariantChecks.Result::ok).count();
            sb.append(String.format("%-8d | %-6s | %-8d | %4d/%-4d | %s%n", r.seed(), r.ok() ? "pass" : "FAIL", r.seconds(),
                    held, r.checks().size(), String.join(", ", r.checks().stream().filter(c -> !c.ok())
                            .map(InvariantChecks.Result::name).toList())));
        }
        return sb.toString();
    }
}
