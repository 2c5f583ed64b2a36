package io.hotelcrm.alert.channel;

import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one non-blocking HTTP client of the service (Slack webhooks, health polls). */
@ApplicationScoped
public class WebClients {

    private WebClient client;

    @Produces
    @Singleton
    WebClient webClient(Vertx vertx) {
        client = WebClient.create(vertx, new WebClientOptions().setUserAgent("hotelcrm-alert-service")
                .setConnectTimeout(3000).setFollowRedirects(false));
        return client;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
