package io.hotelcrm.gateway.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.gateway.provider.EngineResult;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in demand / occupancy / sales forecast: a multiplicative weekly season times a linear
 * trend, fitted by least squares, with 95% intervals from the residuals. Input in customOptions:
 * {@code {"series":[{"date":"2026-11-01","value":72.0},...], "horizon":7}} (at least 14 daily points).
 */
@ApplicationScoped
public class LocalForecaster extends LocalEngine {

    static final int MIN_POINTS = 14;
    static final int MAX_HORIZON = 90;

    private final ObjectMapper json;

    public LocalForecaster(ObjectMapper json) {
        super(FunctionType.PREDICTION);
        this.json = json;
    }

    @Override
    public Uni<EngineResult> run(EngineRequest request) {
        return Uni.createFrom().item(() -> forecast(request));
    }

    private EngineResult forecast(EngineRequest request) {
        JsonNode options = request.options();
        JsonNode series = options == null ? null : options.get("series");
        if (series == null || !series.isArray() || series.size() < MIN_POINTS) {
            throw ApiException.validation("prediction needs customOptions.series with at least " + MIN_POINTS
                    + " daily points {date, value}");
        }
        int horizon = options.path("horizon").asInt(7);
        if (horizon < 1 || horizon > MAX_HORIZON) {
            throw ApiException.validation("customOptions.horizon must be 1-" + MAX_HORIZON);
        }
        List<LocalDate> dates = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (JsonNode p : series) {
            try {
                dates.add(LocalDate.parse(p.path("date").asText()));
            } catch (RuntimeException e) {
                throw ApiException.validation("every series point needs a date such as 2026-11-01");
            }
            if (!p.path("value").isNumber()) {
                throw ApiException.validation("every series point needs a numeric value");
            }
            values.add(p.path("value").asDouble());
        }
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double[] season = new double[7];
        int[] counts = new int[7];
        for (int i = 0; i < n; i++) {
            int d = dates.get(i).getDayOfWeek().getValue() - 1;
            season[d] += values.get(i);
            counts[d]++;
        }
        for (int d = 0; d < 7; d++) {
            season[d] = counts[d] == 0 || mean == 0 ? 1 : (season[d] / counts[d]) / mean;
        }
        // Linear trend on the deseasonalised series.
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            double y = values.get(i) / season[dates.get(i).getDayOfWeek().getValue() - 1];
            sx += i;
            sy += y;
            sxx += (double) i * i;
            sxy += i * y;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        double intercept = (sy - slope * sx) / n;
        double sse = 0;
        for (int i = 0; i < n; i++) {
            double fitted = (intercept + slope * i) * season[dates.get(i).getDayOfWeek().getValue() - 1];
            sse += Math.pow(values.get(i) - fitted, 2);
        }
        double sd = Math.sqrt(sse / Math.max(1, n - 2));

        ArrayNode forecast = json.createArrayNode();
        LocalDate last = dates.get(n - 1);
        for (int h = 1; h <= horizon; h++) {
            LocalDate day = last.plusDays(h);
            double value = (intercept + slope * (n - 1 + h)) * season[day.getDayOfWeek().getValue() - 1];
            ObjectNode point = forecast.addObject();
            point.put("date", day.toString());
            point.put("value", round(value));
            point.put("lower", round(value - 1.96 * sd));
            point.put("upper", round(value + 1.96 * sd));
        }
        int peak = 0;
        for (int d = 1; d < 7; d++) {
            if (season[d] > season[peak]) {
                peak = d;
            }
        }
        String peakDay = DayOfWeek.of(peak + 1).getDisplayName(TextStyle.FULL, Locale.JAPANESE);
        String explanation = String.format(
                "過去%d日間のデータから曜日ごとの傾向とトレンドを推定しました。%sが最も高く平均の%.0f%%、"
                        + "トレンドは1日あたり%+.2fです。今後%d日間の予測値と95%%予測区間を示します。",
                n, peakDay, season[peak] * 100, slope, horizon);
        ObjectNode data = json.createObjectNode();
        data.set("forecast", forecast);
        ObjectNode weekly = data.putObject("weeklyIndex");
        for (int d = 0; d < 7; d++) {
            weekly.put(DayOfWeek.of(d + 1).name(), round(season[d]));
        }
        data.put("trendPerDay", round(slope));
        data.put("residualStdDev", round(sd));
        double confidence = mean == 0 ? 0 : Math.max(0, Math.min(1, 1 - sd / Math.abs(mean)));
        return new EngineResult(explanation, round(confidence), null, data, "local-seasonal-trend", 0, 0, n);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
