package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.KeyHash;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.frugal.config.ConfigReader.join;

/**
 * {@code teams[]}: who may call what, with budgets and rate limits. The same rules check a team the
 * admin API receives ({@link ConfigCompiler#compileTeam}), whose paths start at the body.
 */
final class TeamsCompiler {
    private final ConfigReader r;

    TeamsCompiler(ConfigReader r) { this.r = r; }

    /**
     * The teams of the file by name, in file order; keys are held only as hashes.
     *
     * @param callable the model and route names a team may list, or null to accept any name (while a
     *                 provider discovers its models, a name can only be checked once discovered)
     */
    Map<String, TeamConfig> compile(JsonNode list, Set<String> callable) {
        Map<String, TeamConfig> out = new LinkedHashMap<>();
        Map<String, String> keyOwner = new HashMap<>();
        r.eachMapping(list, "teams", (n, p) -> {
            r.allowOnly(n, p, "name", "keys", "models", "budget", "limits", "reference-model", "data-policy");
            Set<String> hashes = keyHashes(n.get("keys"), p, keyOwner);
            TeamConfig team = team(n, p, hashes, callable, "reference-model");
            DataPolicy policy = dataPolicy(r, n.get("data-policy"), p + ".data-policy");
            if (team != null && policy != DataPolicy.ANY) team = team.withDataPolicy(policy);
            if (team != null) r.putUnique(out, team.name(), team, p, "team");
        });
        return out;
    }

    /**
     * The {@code keys[]} of the team at {@code team}, optional (keys may come from the admin API), as
     * SHA-256 hashes; a problem never quotes a key.
     *
     * @param keyOwner hash → path of the team that listed it first, across all teams
     */
    private Set<String> keyHashes(JsonNode keys, String team, Map<String, String> keyOwner) {
        Set<String> hashes = new LinkedHashSet<>();
        String path = team + ".keys";
        if (keys == null || keys.isNull() || !r.isList(keys, path, false)) return hashes;
        for (int j = 0; j < keys.size(); j++) {
            String kp = path + "[" + j + "]";
            String key = r.requiredText(keys.get(j), kp);
            if (key == null) continue;
            if (key.length() < 8) { r.error(kp, "a key must have at least 8 characters"); continue; }
            String hash = KeyHash.sha256Hex(key);
            String owner = keyOwner.putIfAbsent(hash, team);
            if (owner != null) r.error(kp, "the same key is already listed at " + owner);
            hashes.add(hash);
        }
        return hashes;
    }

    /**
     * The policy of one team mapping (all but its keys): name, models, budget, limits and reference
     * model; null when the name is missing or bad.
     *
     * @param knownModels the model names the team may list; null accepts any name
     */
    TeamConfig team(JsonNode n, String p, Set<String> keyHashes, Set<String> knownModels, String referenceField) {
        String name = r.name(n.get("name"), join(p, "name"));
        Set<String> allowed = new LinkedHashSet<>();
        JsonNode ms = n.get("models");
        String mp = join(p, "models");
        if (ms != null && !ms.isNull() && r.isList(ms, mp, false)) {
            for (int j = 0; j < ms.size(); j++) {
                String m = r.requiredText(ms.get(j), mp + "[" + j + "]");
                if (m == null) continue;
                if (knownModels != null && !knownModels.contains(m)) {
                    r.error(mp + "[" + j + "]", "unknown model '" + m + "'" + ConfigReader.suggest(m, knownModels));
                }
                allowed.add(m);
            }
        }
        List<Budget> budgets = budgets(n.get("budget"), join(p, "budget"));
        Limits limits = limits(n.get("limits"), join(p, "limits"));
        String reference = r.optionalText(n.get(referenceField), join(p, referenceField), null);
        if (reference != null && reference.isBlank()) reference = null;
        return name == null ? null : new TeamConfig(name, Set.copyOf(keyHashes), Set.copyOf(allowed), budgets, limits, reference);
    }

    /** {@code data-policy}: {@code any} (the default) or {@code local-only}. */
    static DataPolicy dataPolicy(ConfigReader r, JsonNode n, String p) {
        String text = r.optionalText(n, p, DataPolicy.ANY.id());
        DataPolicy policy = DataPolicy.of(text);
        if (policy == null) r.error(p, "must be 'any' or 'local-only', got '" + text + "'");
        return policy == null ? DataPolicy.ANY : policy;
    }

    /** {@code budget}: one {@code {usd, period, mode}} mapping or a list of them, at most one per period. */
    List<Budget> budgets(JsonNode n, String p) {
        if (n == null || n.isNull()) return List.of();
        List<JsonNode> items = new ArrayList<>();
        if (n.isArray()) n.forEach(items::add);
        else if (n.isObject()) items.add(n);
        else { r.error(p, "must be a mapping {usd, period, mode} or a list of them"); return List.of(); }
        List<Budget> out = new ArrayList<>();
        Set<Budget.Period> seen = EnumSet.noneOf(Budget.Period.class);
        for (int i = 0; i < items.size(); i++) {
            String bp = n.isArray() ? p + "[" + i + "]" : p;
            JsonNode b = items.get(i);
            if (!r.isMap(b, bp)) continue;
            r.allowOnly(b, bp, "usd", "period", "mode");
            long micros = r.usdMicros(b.get("usd"), bp + ".usd", -1);
            if (micros < 0 && b.get("usd") == null) r.error(bp + ".usd", "is required");
            Budget.Period period = r.oneOf(b.get("period"), bp + ".period", Budget.Period.class, Defaults.BUDGET_PERIOD);
            String mode = r.optionalText(b.get("mode"), bp + ".mode", Defaults.BUDGET_MODE);
            if (!mode.equals("hard") && !mode.equals("soft")) r.error(bp + ".mode", "must be hard (reject) or soft (alert only)");
            if (period != null && !seen.add(period)) r.error(bp + ".period", "a budget for this period is already set");
            if (micros >= 0 && period != null) out.add(new Budget(micros, period, !mode.equals("soft")));
        }
        return List.copyOf(out);
    }

    /** {@code limits: {rpm, tpm, concurrent}}; each optional, 0 or absent = no limit. */
    Limits limits(JsonNode n, String p) {
        if (n == null || n.isNull()) return Limits.NONE;
        if (!r.isMap(n, p)) return Limits.NONE;
        r.allowOnly(n, p, "rpm", "tpm", "concurrent");
        long rpm = (long) r.number(n.get("rpm"), p + ".rpm", 0, 0, 1e9);
        long tpm = (long) r.number(n.get("tpm"), p + ".tpm", 0, 0, 1e12);
        int concurrent = (int) r.number(n.get("concurrent"), p + ".concurrent", 0, 0, 1e7);
        if (ConfigReader.isFractional(n.get("rpm")) || ConfigReader.isFractional(n.get("tpm"))
                || ConfigReader.isFractional(n.get("concurrent"))) {
            r.error(p, "rpm, tpm and concurrent must be whole numbers");
        }
        return new Limits(rpm, tpm, concurrent);
    }
}
