package io.interactionsync.sync.connector;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Base64;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Data keys from the connector (crypto-shredding of raw records): 410 {@code erased} (the account was purged, or the
 * shared mailbox has no subscriber left) and 404 → {@link ConnectorClient.AccountGoneException} — what the job would
 * publish may not be published any more, the job ends as for a deleted account; anything else →
 * {@link ConnectorClient.ConnectorUnavailableException} (retry later).
 */
@ApplicationScoped
public class DataKeyClient {

    /** A data key: the AES-256 key that seals an owner's raw records. {@link #toString()} never shows the key. */
    public record DataKey(String kid, byte[] key) {
        @Override
        public String toString() {
            return "DataKey[" + kid + "]";
        }
    }

    private final DataKeyRestClient rest;

    public DataKeyClient(@RestClient DataKeyRestClient rest) {
        this.rest = rest;
    }

    /** The data key of {@code owner} ({@code account:<id>} or {@code mailbox:<address>}). */
    public DataKey dataKey(String owner) {
        String kind = owner.startsWith("mailbox:") ? "shared mailbox" : "account";
        try {
            DataKeyRestClient.DataKeyResponse r = rest.dataKey(new DataKeyRestClient.DataKeyRequest(owner));
            byte[] key = r == null || r.kid() == null || r.key() == null ? null : Base64.getDecoder().decode(r.key());
            if (key == null || key.length != 32) {
                throw new ConnectorClient.ConnectorUnavailableException("the connector answered without a usable data key");
            }
            return new DataKey(r.kid(), key);
        } catch (IllegalArgumentException e) {
            throw new ConnectorClient.ConnectorUnavailableException("the connector answered a data key that is not Base64");
        } catch (WebApplicationException e) {
            Response response = e.getResponse();
            int status = response.getStatus();
            String code = ConnectorClient.problemCode(response);
            if (status == 410) {
                throw new ConnectorClient.AccountGoneException("the " + kind + "'s data was erased (" + code + ")");
            }
            if (status == 404) {
                throw new ConnectorClient.AccountGoneException("the connector knows no " + kind + " for this data key ("
                        + code + ")");
            }
            throw new ConnectorClient.ConnectorUnavailableException("the connector answered " + status
                    + (code == null ? "" : " " + code) + " for a data key");
        } catch (ProcessingException e) {
            throw new ConnectorClient.ConnectorUnavailableException("the connector is unreachable: "
                    + e.getClass().getSimpleName());
        }
    }
}
