package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;

import java.time.Instant;

/**
 * One admin change as the audit trail keeps it (table {@code admin_audit}). {@code id} is 0 until
 * stored; {@code before} and {@code after} are null for a creation and a deletion. Immutable.
 */
record AuditRecord(long id, Instant at, String credential, String clientAddress, String action, String team, String target,
                   JsonNode before, JsonNode after) {

    /** As {@code GET /admin/audit} shows it. */
    ObjectNode json() {
        ObjectNode o = Json.object().put("object", "audit_event").put("id", id).put("at", at.toString())
                .put("credential", credential).put("client_address", clientAddress).put("action", action)
                .put("team", team).put("target", target);
        o.set("before", before);
        o.set("after", after);
        return o;
    }
}
