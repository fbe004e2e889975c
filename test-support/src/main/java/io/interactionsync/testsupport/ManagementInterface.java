package io.interactionsync.testsupport;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import java.net.URI;

/**
 * The running test application's management interface ({@code quarkus.management.enabled=true},
 * {@code quarkus.management.test-port=0}): {@code /q/health}, {@code /q/metrics} and {@code /q/openapi} answer there
 * only, so a test reaches them with an absolute URL, e.g. {@code given().get(ManagementInterface.url("/q/metrics"))}.
 */
public final class ManagementInterface {

    private ManagementInterface() {
    }

    /** {@code path} (starting with {@code /}) on the management interface of the running Quarkus test application. */
    public static String url(String path) {
        URI root = URI.create(TestHTTPResourceManager.getManagementUri()); // may end with the root path (/q)
        return root.getScheme() + "://" + root.getAuthority() + path;
    }
}
