package io.interactionsync.connector.rest.dto;

import java.util.Map;

/**
 * Feature flags of one account: {@code global} = the server-wide switch, {@code account} = this account's own
 * setting, {@code effective} = both on.
 */
public record FeatureFlagsView(String accountId, Map<String, Flag> features) {

    public record Flag(boolean global, boolean account, boolean effective) {
    }
}
