package io.interactionsync.emulator.support;

import io.interactionsync.emulator.ProviderEmulator;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one in-JVM emulator per test class, resets it before each test and points RestAssured at it.
 * Register with {@code @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();}.
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private ProviderEmulator emulator;

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator = ProviderEmulator.start(0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        emulator.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RestAssured.baseURI = emulator.baseUrl();
        RestAssured.port = emulator.port();
        RestAssured.given().post("/_emulator/reset").then().statusCode(204);
    }

    public String baseUrl() {
        return emulator.baseUrl();
    }

    public RequestSpecification given() {
        return RestAssured.given().baseUri(emulator.baseUrl()).redirects().follow(false);
    }
}
