package io.interactionsync.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A service's Prometheus metrics ({@code /q/metrics} on its management port), read as an operator's scrape would. */
public final class ServiceMetrics {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServiceMetrics() {
    }

    /**
     * The sum of every sample of {@code metric} (the exact name, any labels) whose labels contain {@code labels} (e.g.
     * {@code outcome="exhausted"}; empty: all); 0 when the service does not export it.
     *
     * @param managementUrl e.g. {@link StackService#managementUrl(StackEndpoints, int)}
     * @throws IllegalStateException when the service does not answer
     */
    public static double sum(String managementUrl, String metric, String labels) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).header("Accept", "text/plain").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("metrics of " + managementUrl + " unreadable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("metrics of " + managementUrl + " answered " + response.statusCode());
        }
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                int close = line.lastIndexOf('}');
                String labelText = close < 0 ? "" : line.substring(metric.length(), close + 1);
                if (labelText.contains(labels)) {
                    String[] parts = line.trim().split("\\s+");
                    sum += Double.parseDouble(parts[parts.length - 1]);
                }
            }
        }
        return sum;
    }
}
