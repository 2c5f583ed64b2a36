package io.hotelcrm.gateway.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The formula of {@link AnomalyScorer} with the defaults of application.properties. */
class AnomalyScorerTest {

    /** gateway.anomaly.* as in application.properties. */
    record Settings(double frequencyWeight, double volumeWeight, double timeWeight) implements AnomalyConfig {
        static final Settings DEFAULTS = new Settings(0.8, 0.6, 0.3);

        public boolean enabled() {
            return true;
        }

        public int logAbove() {
            return 70;
        }

        public int blockAbove() {
            return 90;
        }

        public Weights weights() {
            return new Weights() {
                public double frequency() {
                    return frequencyWeight;
                }

                public double volume() {
                    return volumeWeight;
                }

                public double timeOfDay() {
                    return timeWeight;
                }
            };
        }

        public double frequencyRatioMax() {
            return 10;
        }

        public double volumeRatioMax() {
            return 20;
        }

        public double quietHourShare() {
            return 0.02;
        }

        public int baselineDays() {
            return 28;
        }

        public long minBaselineExecutions() {
            return 30;
        }

        public ZoneId zone() {
            return ZoneId.of("Asia/Tokyo");
        }
    }

    /** 240 executions by 120 user-hours (2 per user and hour), all between 9:00 and 18:00, 1,000 chatbot units each. */
    private static AnomalyScorer.Baseline officeHours() {
        long[] byHour = new long[24];
        for (int h = 9; h < 18; h++) {
            byHour[h] = h == 9 ? 32 : 26;
        }
        return new AnomalyScorer.Baseline(240, 120, byHour, Map.of("chatbot", 1000.0));
    }

    private static int score(long requestsThisHour, long volume, int hour) {
        return AnomalyScorer.score(new AnomalyScorer.Signals(requestsThisHour, volume, "chatbot", hour), officeHours(),
                Settings.DEFAULTS).score();
    }

    @Test
    void usualUseScoresNothing() {
        assertThat(score(1, 1000, 10)).isZero();
        assertThat(score(2, 900, 15)).isZero();
    }

    @Test
    void eachSignalAloneReachesItsWeightAndNeverBlocks() {
        assertThat(score(20, 1000, 10)).isEqualTo(80); // ten times the usual 2 per hour: logged
        assertThat(score(1, 20_000, 10)).isEqualTo(60); // twenty times the usual size
        assertThat(score(1, 1000, 3)).isEqualTo(30);    // 3 a.m., an hour the tenant never works
        assertThat(score(11, 1000, 10)).isEqualTo(40);  // 5.5 times the usual: half of the frequency signal
        assertThat(score(1, Math.round(1000 * Math.sqrt(20)), 10)).isEqualTo(30); // half of the volume signal
    }

    @Test
    void aBurstTogetherWithAnotherSignalIsBlockedButTwoMilderSignalsOnlyLogged() {
        assertThat(score(20, 1000, 3)).isEqualTo(100);    // burst at 3 a.m.
        assertThat(score(20, 20_000, 10)).isEqualTo(100); // burst of huge requests
        assertThat(score(1, 20_000, 3)).isEqualTo(90);    // one huge request at night: logged, not above 90
    }

    @Test
    void aTenantWithTooLittleHistoryIsNotScored() {
        AnomalyScorer.Baseline young = new AnomalyScorer.Baseline(29, 29, new long[24], Map.of());
        AnomalyScorer.Score s = AnomalyScorer.score(new AnomalyScorer.Signals(50, 4000, "chatbot", 3), young,
                Settings.DEFAULTS);
        assertThat(s.score()).isZero();
        assertThat(s.scored()).isFalse();
    }
}
