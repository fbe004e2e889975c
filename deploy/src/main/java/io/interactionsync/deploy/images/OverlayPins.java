package io.interactionsync.deploy.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --pin <overlay>}: points an overlay's {@code images:} entries at the digests just built (and at the registry
 * pushed to, when it is not the manifests' own), so the cluster runs exactly these images. Only the five entries'
 * lines change; the rest of the file, comments included, stays as it is.
 */
final class OverlayPins {

    private OverlayPins() {
    }

    /**
     * @param digests     per service, {@code sha256:…}
     * @param newRegistry the registry the images were pushed to, or {@code null} for {@link ImageConventions#REGISTRY}
     */
    static void pin(Path overlayDir, Map<ServiceImage, String> digests, String newRegistry) {
        Path file = overlayDir.resolve("kustomization.yaml");
        try {
            String yaml = Files.readString(file);
            for (Map.Entry<ServiceImage, String> e : digests.entrySet()) {
                yaml = pinOne(yaml, e.getKey(), e.getValue(), newRegistry, file);
            }
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pinOne(String yaml, ServiceImage service, String digest, String newRegistry, Path file) {
        String name = ImageConventions.REGISTRY + "/" + service.artifact();
        Pattern entry = Pattern.compile("(?m)^(\\s*-\\s*)\\{\\s*name:\\s*" + Pattern.quote(name) + "\\s*,[^}\\n]*}[ \\t]*$");
        Matcher m = entry.matcher(yaml);
        if (!m.find()) {
            throw new IllegalStateException(file + " has no images: entry `- {name: " + name + ", newTag: …}` to pin");
        }
        String newName = newRegistry == null || newRegistry.equals(ImageConventions.REGISTRY)
                ? "" : ", newName: " + newRegistry + "/" + service.artifact();
        return m.replaceFirst(Matcher.quoteReplacement(m.group(1) + "{name: " + name + newName + ", digest: " + digest + "}"));
    }
}
