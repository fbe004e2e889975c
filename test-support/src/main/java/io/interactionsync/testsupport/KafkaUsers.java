package io.interactionsync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Strimzi {@code KafkaUser}s of deploy/k8s/base/kafka-users.yaml as the User Operator applies them: per user
 * (principal {@code User:<name>}), its ACLs as Kafka {@link AclBinding}s (host *, allow). Tests put exactly these on
 * a SCRAM broker ({@link EmbeddedKafka#startWithScram}).
 */
public final class KafkaUsers {

    /** From any module's directory (the tests' working directory). */
    public static final Path MANIFEST = Path.of("../deploy/k8s/base/kafka-users.yaml");

    private KafkaUsers() {
    }

    public static Map<String, List<AclBinding>> acls() {
        Map<String, List<AclBinding>> users = new LinkedHashMap<>();
        try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(MANIFEST.toFile())) {
            while (docs.hasNext()) {
                JsonNode user = docs.next();
                require(user.at("/kind").asText().equals("KafkaUser"), "not a KafkaUser: " + user.at("/kind"));
                require(user.at("/spec/authentication/type").asText().equals("scram-sha-512"), "not SCRAM-SHA-512");
                String name = user.at("/metadata/name").asText();
                List<AclBinding> acls = new ArrayList<>();
                for (JsonNode acl : user.at("/spec/authorization/acls")) {
                    ResourcePattern pattern = new ResourcePattern(
                            ResourceType.fromString(acl.at("/resource/type").asText().toUpperCase(Locale.ROOT)),
                            acl.at("/resource/name").asText(),
                            switch (acl.at("/resource/patternType").asText("literal")) {
                                case "literal" -> PatternType.LITERAL;
                                case "prefix" -> PatternType.PREFIXED; // Strimzi's name for it
                                default -> throw new IllegalStateException("pattern type " + acl.at("/resource/patternType"));
                            });
                    require(pattern.resourceType() != ResourceType.UNKNOWN, "resource type " + acl.at("/resource/type"));
                    for (JsonNode operation : acl.get("operations")) {
                        AclOperation op = AclOperation.fromString(operation.asText().toUpperCase(Locale.ROOT));
                        require(op != AclOperation.UNKNOWN, "operation " + operation.asText());
                        acls.add(new AclBinding(pattern, new AccessControlEntry("User:" + name,
                                acl.path("host").asText("*"), op, AclPermissionType.ALLOW)));
                    }
                }
                users.put(name, acls);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return users;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(MANIFEST + ": " + message);
        }
    }
}
