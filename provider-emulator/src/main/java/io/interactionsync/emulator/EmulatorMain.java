package io.interactionsync.emulator;

/** Runs the emulator as a process: {@code java -jar provider-emulator.jar [--port 8090]}. */
public final class EmulatorMain {

    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8090;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--port")) {
                port = Integer.parseInt(args[i + 1]);
            }
        }
        ProviderEmulator emulator = ProviderEmulator.start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-shutdown"));
        System.out.println("provider-emulator listening on " + emulator.baseUrl());
        Thread.currentThread().join();
    }
}
