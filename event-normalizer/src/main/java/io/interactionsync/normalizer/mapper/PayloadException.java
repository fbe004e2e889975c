package io.interactionsync.normalizer.mapper;

/** The payload of a schema-valid raw record cannot be turned into events (dead-lettered with {@link #code()}). */
public class PayloadException extends RuntimeException {

    private final String code;

    public PayloadException(String code, String reason) {
        super(reason);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
