package io.interactionsync.connector.rest;

import io.interactionsync.connector.rest.problem.ApiException;
import java.util.UUID;

final class Ids {

    private Ids() {
    }

    static UUID accountId(String raw) {
        try {
            UUID id = UUID.fromString(raw);
            if (!id.toString().equalsIgnoreCase(raw)) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_account_id", "An account id is a UUID.");
        }
    }
}
