package io.interactionsync.emulator.http;

/** Invalid input to the control API (answered 400 with a JSON message). */
public class BadRequestException extends RuntimeException {

    private final int status;

    public BadRequestException(String message) {
        this(400, message);
    }

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
