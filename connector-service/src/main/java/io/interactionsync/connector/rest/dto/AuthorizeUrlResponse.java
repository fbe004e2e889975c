package io.interactionsync.connector.rest.dto;

/** Where to send the browser, and the state the callback will return. */
public record AuthorizeUrlResponse(String url, String state) {
}
