package io.interactionsync.relationship.scoring;

/** Where an event's weight goes: O (outbound email), I (inbound email), M (meeting). */
public enum Bucket {
    OUTBOUND('O'), INBOUND('I'), MEETING('M');

    private final char code;

    Bucket(char code) {
        this.code = code;
    }

    /** The column value ({@code events.bucket}). */
    public String code() {
        return String.valueOf(code);
    }
}
