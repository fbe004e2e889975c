package io.interactionsync.microsoftsync.graph;

import io.interactionsync.microsoftsync.config.MicrosoftSyncConfig;
import io.smallrye.config.WithDefault;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** A {@link MicrosoftSyncConfig} for unit tests: the {@code @WithDefault} values, with overrides by dotted path. */
final class TestConfig {

    private TestConfig() {
    }

    static MicrosoftSyncConfig with(Map<String, String> overrides) {
        return proxy(MicrosoftSyncConfig.class, "", overrides);
    }

    private static <T> T proxy(Class<T> type, String prefix, Map<String, String> overrides) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("toString") ? type.getSimpleName() : m.invoke(overrides, args);
            }
            String key = prefix + m.getName();
            if (m.getReturnType().isInterface() && m.getReturnType().getName().startsWith("io.interactionsync")) {
                return proxy(m.getReturnType(), key + ".", overrides);
            }
            String raw = overrides.containsKey(key) ? overrides.get(key)
                    : m.isAnnotationPresent(WithDefault.class) ? m.getAnnotation(WithDefault.class).value() : null;
            return convert(m, raw);
        }));
    }

    private static Object convert(Method m, String raw) {
        Class<?> t = m.getReturnType();
        if (t == Optional.class) {
            return Optional.ofNullable(raw);
        }
        if (raw == null) {
            throw new IllegalStateException("no value for " + m.getName());
        }
        if (t == int.class) {
            return Integer.parseInt(raw);
        }
        if (t == boolean.class) {
            return Boolean.parseBoolean(raw);
        }
        if (t == Duration.class) {
            String v = raw.trim();
            return v.endsWith("ms") ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                    : v.endsWith("d") ? Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)))
                    : Duration.parse("PT" + v.toUpperCase());
        }
        if (t == java.util.List.class && m.getGenericReturnType() instanceof ParameterizedType) {
            return Arrays.stream(raw.split(",")).map(String::trim).toList();
        }
        return raw;
    }
}
