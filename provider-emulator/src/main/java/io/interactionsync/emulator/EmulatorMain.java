package io.interactionsync.emulator;

/**
 * Runs the emulator as a process: {@code java -jar provider-emulator.jar [--port 8090] [--host 127.0.0.1]
 * [--base-url http://127.0.0.1:8090]}. Options may also come from the environment: {@code EMULATOR_PORT},
 * {@code EMULATOR_HOST}, {@code EMULATOR_BASE_URL}.
 */
public final class EmulatorMain {

    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv().getOrDefault("EMULATOR_PORT", "8090"));
        String host = System.getenv().getOrDefault("EMULATOR_HOST", "127.0.0.1");
        String baseUrl = System.getenv("EMULATOR_BASE_URL");
        for (int i = 0; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--host" -> host = args[i + 1];
                case "--base-url" -> baseUrl = args[i + 1];
                default -> {
                }
            }
        }
        ProviderEmulator emulator = ProviderEmulator.start(port, host, baseUrl);
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "emulator-shutdown"));
        System.out.println("provider-emulator listening on " + emulator.baseUrl());
        Thread.currentThread().join();
    }
}
