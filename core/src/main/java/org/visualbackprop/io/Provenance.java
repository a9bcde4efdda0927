package org.visualbackprop.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a model was made, as ordered key-value pairs: seed, data set, architecture, hyper-parameters, the software
 * version, the time. Saved with the model (after Tribuo's provenance). Immutable.
 */
public final class Provenance {
    private final Map<String, String> entries;

    private Provenance(Map<String, String> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** An empty record. */
    public static Provenance empty() {
        return new Provenance(Map.of());
    }

    /** A record from alternating keys and values: {@code of("seed", 7, "epochs", 32)}. */
    public static Provenance of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("provenance needs key-value pairs, got " + keysAndValues.length + " items");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(String.valueOf(keysAndValues[i]), String.valueOf(keysAndValues[i + 1]));
        }
        return new Provenance(m);
    }

    /** A record holding these entries in their iteration order. */
    public static Provenance of(Map<String, String> entries) {
        return new Provenance(entries);
    }

    /** This record with one more (or a replaced) entry. */
    public Provenance with(String key, Object value) {
        Map<String, String> m = new LinkedHashMap<>(entries);
        m.put(Objects.requireNonNull(key), String.valueOf(value));
        return new Provenance(m);
    }

    /** This record followed by every entry of {@code more} (an entry of {@code more} replaces one of the same key). */
    public Provenance with(Provenance more) {
        Map<String, String> m = new LinkedHashMap<>(entries);
        m.putAll(more.entries);
        return new Provenance(m);
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        return entries.get(key);
    }

    /** All entries in order (unmodifiable). */
    public Map<String, String> entries() {
        return entries;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Provenance p && p.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
