package io.interactionsync.googlesync.client.gmail;

/** The Gmail API methods we call, with their quota cost in units (per call; a batch costs the sum). */
public enum GmailMethod {
    GET_PROFILE("users.getProfile", 1),
    MESSAGES_LIST("users.messages.list", 5),
    MESSAGES_GET("users.messages.get", 5),
    HISTORY_LIST("users.history.list", 2),
    THREADS_GET("users.threads.get", 10),
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
