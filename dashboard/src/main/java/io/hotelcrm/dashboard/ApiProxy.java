package io.hotelcrm.dashboard;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The local single origin: forwards the API paths to the services, as the chart's Ingress does in the
 * cluster, so the browser sees one origin (no CORS, the same relative URLs everywhere). Streams both ways,
 * so the alert stream (SSE) passes through unbuffered. Only active when {@code dashboard.proxy.routes} is set.
 */
@ApplicationScoped
public class ApiProxy {

    private static final Logger LOG = Logger.getLogger(ApiProxy.class);
    // Hop-by-hop headers (RFC 9110 §7.6.1) are the connection's, not the message's
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host");

    record Route(String prefix, URI upstream) {
        boolean matches(String path) {
            return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
        }
    }

    private final List<Route> routes;
    private HttpClient client;

    public ApiProxy(DashboardConfig config) {
        this.routes = parse(config.proxy().routes().orElse(""));
    }

    static List<Route> parse(String spec) {
        List<Route> out = new ArrayList<>();
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("dashboard.proxy.routes: expected prefix=url, got " + pair);
            }
            out.add(new Route(pair.substring(0, eq).trim(), URI.create(pair.substring(eq + 1).trim())));
        }
        out.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()); // longest prefix wins
        return List.copyOf(out);
    }

    void register(@Observes Router router, Vertx vertx) {
        if (routes.isEmpty()) {
            return;
        }
        // No idle timeout: the alert stream stays open (the services send heartbeats)
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(64)
                .setConnectTimeout(3000));
        router.route().order(-100).handler(this::handle);
    }

    void log(@Observes StartupEvent event) {
        routes.forEach(r -> LOG.infof("proxying %s to %s", r.prefix(), r.upstream()));
    }

    List<Route> routes() {
        return routes;
    }

    private void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        Route route = routes.stream().filter(r -> r.matches(path)).findFirst().orElse(null);
        if (route == null) {
            ctx.next();
            return;
        }
        HttpServerRequest in = ctx.request();
        HttpServerResponse out = ctx.response();
        in.pause();
        String uri = route.upstream().getPath().replaceAll("/$", "") + in.uri();
        // Connect to the service but keep the browser's Host, as an ingress does: the services' same-origin
        // check (CORS on, no other origins allowed) compares Origin with Host.
        RequestOptions options = new RequestOptions().setMethod(in.method())
                .setServer(SocketAddress.inetSocketAddress(route.upstream().getPort(), route.upstream().getHost()))
                .setURI(uri).setHeaders(MultiMap.caseInsensitiveMultiMap());
        String host = in.getHeader("Host");
        if (host != null) {
            options.putHeader("Host", host);
        }
        copy(in.headers(), options.getHeaders());
        options.putHeader("X-Forwarded-Host", in.authority() == null ? "" : in.authority().toString());
        options.putHeader("X-Forwarded-Proto", in.scheme());
        client.request(options)
                // A request without a body (GET, the alert stream) is sent without one, not as an empty chunked body
                .compose(request -> in.headers().contains("Content-Length") || in.headers().contains("Transfer-Encoding")
                        ? request.send(in) : request.send())
                .onSuccess(answer -> relay(answer, out))
                .onFailure(e -> {
                    LOG.debugf("upstream %s failed: %s", route.upstream(), e.toString());
                    if (!out.headWritten()) {
                        out.setStatusCode(502).putHeader("Content-Type", "application/problem+json")
                                .end("{\"type\":\"about:blank\",\"status\":502,\"code\":\"UPSTREAM_UNAVAILABLE\","
                                        + "\"title\":\"サービスに接続できません\",\"detail\":\"" + route.prefix()
                                        + " is not answering\"}");
                    } else {
                        out.reset();
                    }
                });
    }

    private static void relay(HttpClientResponse answer, HttpServerResponse out) {
        out.setStatusCode(answer.statusCode());
        copy(answer.headers(), out.headers());
        if (!answer.headers().contains("Content-Length")) {
            out.setChunked(true);
        }
        // A browser that leaves (a closed tab, a reconnecting alert stream) must not keep the upstream stream open
        out.closeHandler(v -> answer.request().reset());
        answer.pipeTo(out);
    }

    private static void copy(MultiMap from, MultiMap to) {
        from.forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                to.add(h.getKey(), h.getValue());
            }
        });
    }
}
