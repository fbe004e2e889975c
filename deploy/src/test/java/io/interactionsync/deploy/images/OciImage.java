package io.interactionsync.deploy.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * An OCI image-layout tarball read as a container runtime reads it: {@code index.json} → manifest → config and
 * layers, every blob checked against its digest; {@link #unpack} applies the layers in order to a root directory.
 */
record OciImage(Path layout, JsonNode index, JsonNode manifest, JsonNode config) {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Extracts {@code tarball} into {@code layout} and reads it; fails on a blob whose content is not its digest. */
    static OciImage open(Path tarball, Path layout) throws IOException, InterruptedException {
        Files.createDirectories(layout);
        run(List.of("tar", "-xf", tarball.toString(), "-C", layout.toString()));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest").asText()).toFile());
        JsonNode config = JSON.readTree(blob(layout, manifest.at("/config/digest").asText()).toFile());
        OciImage image = new OciImage(layout, index, manifest, config);
        image.verifyBlobs();
        return image;
    }

    /** Blob files are named by their sha256; the config lists each layer's uncompressed digest (diff_id). */
    private void verifyBlobs() throws IOException {
        List<String> descriptors = new ArrayList<>(List.of(index.at("/manifests/0/digest").asText(),
                manifest.at("/config/digest").asText()));
        manifest.get("layers").forEach(l -> descriptors.add(l.get("digest").asText()));
        for (String digest : descriptors) {
            String actual = sha256(Files.newInputStream(blob(layout, digest)), false);
            if (!digest.equals(actual)) {
                throw new IllegalStateException("blob " + digest + " has content " + actual);
            }
        }
        List<Path> layers = layers();
        for (int i = 0; i < layers.size(); i++) {
            String diffId = config.at("/rootfs/diff_ids/" + i).asText();
            if (!diffId.equals(sha256(Files.newInputStream(layers.get(i)), true))) {
                throw new IllegalStateException("layer " + i + " does not match diff_id " + diffId);
            }
        }
    }

    List<Path> layers() {
        List<Path> layers = new ArrayList<>();
        manifest.get("layers").forEach(l -> layers.add(blob(layout, l.get("digest").asText())));
        return layers;
    }

    /** The layers' names, from the config's history (Jib records each layer's name as its comment). */
    List<String> layerNames() {
        List<String> names = new ArrayList<>();
        config.get("history").forEach(h -> names.add(h.path("comment").asText()));
        return names;
    }

    /** The paths in layer {@code i}, as {@code tar -t} lists them. */
    List<String> layerPaths(int i) throws IOException, InterruptedException {
        return run(List.of("tar", "--warning=no-unknown-keyword", "-tzf", layers().get(i).toString())).lines().toList();
    }

    /** Applies the layers in order (as root, tar keeps their owners and modes); this image has no whiteouts. */
    void unpack(Path rootfs) throws IOException, InterruptedException {
        Files.createDirectories(rootfs);
        for (Path layer : layers()) {
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", layer.toString(), "-C", rootfs.toString()));
        }
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static String sha256(InputStream raw, boolean gunzip) throws IOException {
        try (InputStream in = gunzip ? new GZIPInputStream(raw) : raw) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream d = new DigestInputStream(in, sha)) {
                d.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
