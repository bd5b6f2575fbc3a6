package dev.frugal.tenancy.keys;

/**
 * A key just issued: the stored record and the key itself, which exists only in this object and
 * in the one response that shows it. Never log it.
 */
public record IssuedKey(KeyRecord record, String secret) {
    @Override
    public String toString() { return "IssuedKey[" + record.id() + "]"; }
}
