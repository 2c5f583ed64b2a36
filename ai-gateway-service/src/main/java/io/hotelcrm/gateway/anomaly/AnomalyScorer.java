package io.hotelcrm.gateway.anomaly;

import java.util.Map;

/**
 * The anomaly score of one request, 0–100, against the tenant's own baseline (its executions over the
 * {@code baselineDays} before the current clock hour). Pure and deterministic: the same signals and
 * baseline always give the same score.
 * <pre>
 *   F (frequency)   = clamp((n / b − 1) / (frequencyRatioMax − 1))
 *                     n = this user's requests in the current clock hour, this one included;
 *                     b = the tenant's usual executions per active user and hour = executions / user-hours
 *   V (volume)      = clamp(ln(v / m) / ln(volumeRatioMax))      (0 when v ≤ m or the function has no history)
 *                     v = this request's size: input characters + maxTokens for chatbot and custom, rows of
 *                         data for recommendation, prediction and analysis; m = the tenant's mean for the function
 *   T (time of day) = clamp(1 − s / quietHourShare)
 *                     s = share of the tenant's executions that fell in this hour of the day (tenant-local)
 *   score = min(100, round(100 × (wF·F + wV·V + wT·T)))
 * </pre>
 * clamp(x) = min(1, max(0, x)). A tenant with fewer than {@code minBaselineExecutions} executions in the
 * window is not scored (0): there is no baseline to compare with yet. The weights are not normalised, so
 * they say what one signal alone can reach. Defaults (application.properties): wF 0.8, wV 0.6, wT 0.3,
 * frequencyRatioMax 10, volumeRatioMax 20, quietHourShare 0.02 — a burst at ten times the usual rate alone
 * scores 80 (logged), a request twenty times the usual size 60, a request at a quiet hour 30; one signal
 * alone never blocks, a burst together with a second signal does (&gt; 90).
 */
public final class AnomalyScorer {

    private AnomalyScorer() {
    }

    /**
     * The tenant's history over the window.
     *
     * @param executions    requests let through
     * @param userHours     (user, clock hour) pairs with at least one of them
     * @param byHourOfDay   executions per tenant-local hour of the day, index 0-23
     * @param meanVolume    mean request size per function (lower-case name)
     */
    public record Baseline(long executions, long userHours, long[] byHourOfDay, Map<String, Double> meanVolume) {

        public double perUserHour() {
            return userHours == 0 ? 0 : (double) executions / userHours;
        }
    }

    /** This request: the user's requests this hour (this one included), its size, function and local hour. */
    public record Signals(long requestsThisHour, long volume, String function, int hourOfDay) {
    }

    /** The score and its three parts (each 0..1). */
    public record Score(int score, double frequency, double volume, double timeOfDay, boolean scored) {
    }

    public static Score score(Signals s, Baseline b, AnomalyConfig config) {
        if (b.executions() < Math.max(1, config.minBaselineExecutions()) || b.userHours() == 0) {
            return new Score(0, 0, 0, 0, false);
        }
        double f = clamp((s.requestsThisHour() / b.perUserHour() - 1) / (config.frequencyRatioMax() - 1));
        Double mean = b.meanVolume().get(s.function());
        double v = mean == null || mean <= 0 || s.volume() <= mean ? 0
                : clamp(Math.log(s.volume() / mean) / Math.log(config.volumeRatioMax()));
        double share = (double) b.byHourOfDay()[s.hourOfDay()] / b.executions();
        double t = clamp(1 - share / config.quietHourShare());
        AnomalyConfig.Weights w = config.weights();
        double raw = w.frequency() * f + w.volume() * v + w.timeOfDay() * t;
        int score = (int) Math.max(0, Math.min(100, Math.round(100 * raw)));
        return new Score(score, round(f), round(v), round(t), true);
    }

    private static double clamp(double x) {
        return Double.isNaN(x) ? 0 : Math.max(0, Math.min(1, x));
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
