package io.interactionsync.sync.connector;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Fresh access tokens and account data from the connector, with its problem+json errors turned into
 * exceptions the coordinator acts on: {@link AccountGoneException} (404), {@link ReauthRequiredException}
 * (409 reauth_required) and {@link ConnectorUnavailableException} (anything else: retry later). Data keys:
 * {@link DataKeyClient}.
 */
@ApplicationScoped
public class ConnectorClient {

    private final ConnectorRestClient rest;

    public ConnectorClient(@RestClient ConnectorRestClient rest) {
        this.rest = rest;
    }

    /** The account's current access token (refreshed by the connector when near expiry). */
    public AccountToken accessToken(String accountId) {
        return call(accountId, null);
    }

    /** A token other than {@code rejected}, which the provider answered 401 to. */
    public AccountToken refreshAfterRejection(String accountId, String rejected) {
        return call(accountId, rejected);
    }

    private AccountToken call(String accountId, String rejected) {
        try {
            ConnectorRestClient.AccessTokenResponse r = rest.accessToken(accountId,
                    new ConnectorRestClient.AccessTokenRequest(rejected));
            if (r == null || r.accessToken() == null || r.accessToken().isBlank()) {
                throw new ConnectorUnavailableException("the connector answered without an access token");
            }
            return new AccountToken(r.accountId() == null ? accountId : r.accountId(), r.userId(), r.provider(),
                    r.email(), r.accessToken(), r.expiresAt(), r.scopes() == null ? java.util.List.of() : r.scopes());
        } catch (WebApplicationException e) {
            Response response = e.getResponse();
            int status = response.getStatus();
            String code = problemCode(response);
            if (status == 404) {
                throw new AccountGoneException("the connector does not know the account (" + code + ")");
            }
            if (status == 409 && (code == null || "reauth_required".equals(code))) {
                throw new ReauthRequiredException("the account must be reconnected (refresh token rejected)");
            }
            throw new ConnectorUnavailableException("the connector answered " + status + (code == null ? "" : " " + code));
        } catch (ProcessingException e) {
            throw new ConnectorUnavailableException("the connector is unreachable: " + e.getClass().getSimpleName());
        }
    }

    static String problemCode(Response response) {
        try {
            if (!response.hasEntity()) {
                return null;
            }
            String body = response.readEntity(String.class);
            JsonNode json = Json.mapper().readTree(body);
            JsonNode code = json == null ? null : json.get("code");
            return code == null ? null : code.asText();
        } catch (Exception e) {
            return null;
        }
    }

    /** 404 account_not_found, or its data key erased (410): the account was deleted; its job ends. */
    public static class AccountGoneException extends RuntimeException {
        public AccountGoneException(String message) {
            super(message);
        }
    }

    /** 409 reauth_required: this account stops until the user reconnects; others go on. */
    public static class ReauthRequiredException extends RuntimeException {
        public ReauthRequiredException(String message) {
            super(message);
        }
    }

    /** 502, 5xx, unreachable: transient; the job is retried later. */
    public static class ConnectorUnavailableException extends RuntimeException {
        public ConnectorUnavailableException(String message) {
            super(message);
        }
    }
}
