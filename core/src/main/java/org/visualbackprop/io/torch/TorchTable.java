package org.visualbackprop.io.torch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Lua table read from a Torch7 file: key-value pairs in the order the file lists them. Keys and values are what
 * {@link Torch7Reader} returns: Lua numbers are {@link Double}s (so the array part is keyed {@code 1.0, 2.0, ...}),
 * strings are {@link String}s, booleans {@link Boolean}s; tables and torch objects compare by identity.
 *
 * <p>Tables may contain themselves (directly or through other tables), so {@link #toString()} lists only the keys.
 * Immutable once read.
 */
public final class TorchTable {
    private final Map<Object, Object> entries = new LinkedHashMap<>();
    private final Map<Object, Object> view = Collections.unmodifiableMap(entries);

    TorchTable() {
    }

    /** Adds an entry while reading (the reader's use only). */
    void put(Object key, Object value) {
        entries.put(key, value);
    }

    /** Number of entries (keys with a nil value are not stored by Lua, but a file may list them; they count here). */
    public int size() {
        return entries.size();
    }

    /** The value under {@code key}, or null when absent (or nil). */
    public Object get(Object key) {
        return entries.get(key);
    }

    /** The value under the string key {@code name}, or null. */
    public Object get(String name) {
        return entries.get(name);
    }

    /** The value under the Lua array index {@code luaIndex} (1-based; stored as the number {@code luaIndex}), or null. */
    public Object get(int luaIndex) {
        return entries.get((double) luaIndex);
    }

    /** True when the table has the key (whatever its value). */
    public boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    /** All entries, in file order (unmodifiable). */
    public Map<Object, Object> entries() {
        return view;
    }

    /**
     * The array part as Lua's {@code ipairs} sees it: the values under {@code 1, 2, ...} up to the first missing
     * index.
     */
    public List<Object> array() {
        List<Object> out = new ArrayList<>();
        for (int i = 1; entries.get((double) i) != null; i++) {
            out.add(entries.get((double) i));
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TorchTable{");
        int i = 0;
        for (Object k : entries.keySet()) {
            if (i++ > 0) {
                sb.append(", ");
            }
            if (i > 20) {
                sb.append("... ").append(entries.size() - 20).append(" more");
                break;
            }
            sb.append(k instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue())
                    : k instanceof String || k instanceof Boolean ? k.toString() : k.getClass().getSimpleName());
        }
        return sb.append('}').toString();
    }
}
