package io.interactionsync.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schemas of the contracts (resources {@code /schemas/*.v1.json}) and a validator for them.
 * Producers' tests validate what they write; the normalizer validates what it reads.
 */
public final class ContractSchemas {

    /** Every contract value, with its schema resource. */
    public enum Contract {
        ACCOUNT_EVENT("account-event.v1.json"),
        SYNC_REQUEST("sync-request.v1.json"),
        RAW_RECORD("raw-record.v1.json"),
        SYNC_STATUS("sync-status.v1.json"),
        INTERACTION_EVENT("interaction-event.v1.json"),
        DEAD_LETTER("dead-letter.v1.json");

        private final String resource;

        Contract(String resource) {
            this.resource = resource;
        }

        public String resource() {
            return "/schemas/" + resource;
        }
    }

    private static final Map<Contract, JsonSchema> SCHEMAS = load();

    private ContractSchemas() {
    }

    /** Validation errors of {@code json} against the contract's schema; empty when valid. */
    public static List<String> validate(Contract contract, JsonNode json) {
        return SCHEMAS.get(contract).validate(json).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static Map<Contract, JsonSchema> load() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Map<Contract, JsonSchema> schemas = new EnumMap<>(Contract.class);
        for (Contract c : Contract.values()) {
            try (InputStream in = ContractSchemas.class.getResourceAsStream(c.resource())) {
                if (in == null) {
                    throw new IllegalStateException("missing schema resource " + c.resource());
                }
                schemas.put(c, factory.getSchema(Json.mapper().readTree(in)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schemas;
    }
}
