package io.interactionsync.emulator.google.gmail;

/** Gmail API methods with their quota cost in units (API-FACTS.md, Gmail quota). */
public enum GmailMethod {
    GET_PROFILE("users.getProfile", 1),
    LABELS_LIST("users.labels.list", 1),
    MESSAGES_LIST("users.messages.list", 5),
    MESSAGES_GET("users.messages.get", 5),
    THREADS_LIST("users.threads.list", 10),
    THREADS_GET("users.threads.get", 10),
    HISTORY_LIST("users.history.list", 2),
    WATCH("users.watch", 100),
    STOP("users.stop", 50);

    private final String apiName;
    private final int units;

    GmailMethod(String apiName, int units) {
        this.apiName = apiName;
        this.units = units;
    }

    public String apiName() {
        return apiName;
    }

    public int units() {
        return units;
    }
}
