package io.interactionsync.connector.rest.dto;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * One item of the admin account list: the Account JSON exactly as its owner sees it (without {@code retention},
 * which depends on the owner's portal address the connector does not keep) plus the owner's {@code userId}.
 */
public record AdminAccountView(@JsonUnwrapped AccountView account, String userId) {
}
