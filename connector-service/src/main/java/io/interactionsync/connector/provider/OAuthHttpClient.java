package io.interactionsync.connector.provider;

import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import io.interactionsync.connector.provider.ProviderException.Kind;
import java.time.Duration;
import java.util.Optional;

/**
 * What every provider's token calls share: Google's generic OAuth 2.0 HTTP client (transport, JSON,
 * connect/read timeouts) and the app's client credentials, with a clear error when they are not set.
 */
public final class OAuthHttpClient {

    private final String configPrefix;
    private final Optional<String> clientId;
    private final Optional<String> clientSecret;
    private final HttpTransport transport = new NetHttpTransport();
    private final JsonFactory json = GsonFactory.getDefaultInstance();
    private final HttpRequestInitializer timeouts;

    /** @param configPrefix e.g. {@code connector.google}, named in the error when a credential is missing */
    public OAuthHttpClient(String configPrefix, Optional<String> clientId, Optional<String> clientSecret,
                           Duration timeout) {
        this.configPrefix = configPrefix;
        this.clientId = clientId.filter(s -> !s.isBlank());
        this.clientSecret = clientSecret.filter(s -> !s.isBlank());
        int timeoutMillis = (int) timeout.toMillis();
        this.timeouts = (HttpRequest request) -> {
            request.setConnectTimeout(timeoutMillis);
            request.setReadTimeout(timeoutMillis);
        };
    }

    /** False when the client id or secret is missing; connect then answers 503. */
    public boolean configured() {
        return clientId.isPresent() && clientSecret.isPresent();
    }

    public String clientId() {
        return clientId.orElseThrow(() -> new ProviderException(Kind.MISCONFIGURED, null,
                configPrefix + ".client-id is not set"));
    }

    public String clientSecret() {
        return clientSecret.orElseThrow(() -> new ProviderException(Kind.MISCONFIGURED, null,
                configPrefix + ".client-secret is not set"));
    }

    public HttpTransport transport() {
        return transport;
    }

    public JsonFactory json() {
        return json;
    }

    public HttpRequestInitializer timeouts() {
        return timeouts;
    }
}
