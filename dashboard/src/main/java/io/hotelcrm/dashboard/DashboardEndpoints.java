package io.hotelcrm.dashboard;

import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The dashboard's own two endpoints: what the browser needs to know about this deployment, and the
 * dev-only sign-in; and the SPA's one deep link, {@code /purchases/<id>/confirm} (an auto-purchase waiting for 3-D
 * Secure), answered with index.html. In production the hotel CRM's identity provider issues the token and the host app
 * hands it over (docs/dashboard.md); the sign-in then answers 404.
 */
@ApplicationScoped
public class DashboardEndpoints {

    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Set<String> ROLES = Set.of("staff", "admin");
    /** Served as index.html (the SPA reads the purchase id from the path); nothing else falls back to it. */
    static final String CONFIRM_PAGE = "/purchases/[0-9a-fA-F-]{36}/confirm/?";

    private final DashboardConfig config;
    private final boolean devSignIn;

    public DashboardEndpoints(DashboardConfig config) {
        this.config = config;
        // Belt and braces: a prod profile never signs tokens, whatever the configuration says
        this.devSignIn = config.devSignIn().enabled() && !ConfigUtils.getProfiles().contains("prod");
    }

    boolean devSignInActive() {
        return devSignIn;
    }

    void register(@Observes Router router) {
        router.get("/dashboard-api/config").handler(this::config);
        router.post("/dashboard-api/dev/sign-in").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::signIn);
        // The SPA's own page: PaymentActionRequired links an admin to <dashboard>/purchases/<id>/confirm
        router.getWithRegex(CONFIRM_PAGE).handler(ctx -> ctx.reroute("/index.html"));
    }

    private void config(RoutingContext ctx) {
        String key = config.stripePublishableKey().orElse("");
        JsonObject body = new JsonObject()
                .put("mode", config.mode())
                .put("devSignIn", devSignIn)
                .put("hostOrigin", config.hostOrigin().orElse(null))
                // Without a publishable key the payment backend is the local Stripe stub: say so on every screen
                .put("payments", new JsonObject().put("testMode", key.isEmpty() || key.startsWith("pk_test_"))
                        .put("stripePublishableKey", key.isEmpty() ? null : key));
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }

    private void signIn(RoutingContext ctx) {
        if (!devSignIn) {
            problem(ctx, 404, "NOT_FOUND", "見つかりません", "The dev sign-in is not active here");
            return;
        }
        JsonObject in;
        try {
            in = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            in = null;
        }
        String tenant = in == null ? null : in.getString("tenant");
        String role = in == null ? null : in.getString("role");
        String user = in == null ? null : in.getString("user", role + "-" + tenant);
        if (tenant == null || !TENANT.matcher(tenant).matches() || !ROLES.contains(role) || !USER.matcher(user).matches()) {
            problem(ctx, 400, "VALIDATION_FAILED", "入力内容に誤りがあります",
                    "tenant (lower-case letters, digits, -), role (staff or admin) and an optional user are required");
            return;
        }
        String token;
        try {
            token = Jwt.issuer(config.devSignIn().issuer()).subject(user).upn(user).claim("tenant_id", tenant)
                    .groups(role).expiresIn(config.devSignIn().tokenTtl()).claim("jti", UUID.randomUUID().toString())
                    .jws().sign(signingKey());
        } catch (IOException | GeneralSecurityException e) {
            problem(ctx, 500, "INTERNAL_ERROR", "内部エラーが発生しました", "dev signing key unreadable: " + e.getMessage());
            return;
        }
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("token", token).put("tenant", tenant).put("role", role).put("user", user).encode());
    }

    private PrivateKey signingKey() throws IOException, GeneralSecurityException {
        return KeyUtils.decodePrivateKey(Files.readString(config.devSignIn().signingKeyLocation()));
    }

    private static void problem(RoutingContext ctx, int status, String code, String title, String detail) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject().put("type", "about:blank").put("status", status).put("code", code)
                        .put("title", title).put("detail", detail).encode());
    }
}
