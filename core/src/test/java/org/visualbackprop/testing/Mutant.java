package org.visualbackprop.testing;

import java.util.Objects;

/**
 * A damaged copy of a valid file, and how it was made ({@code "truncate at 812 of 1907 (inside the first 10%)"}), so a
 * failure can be read and reproduced without the generator.
 *
 * @param description the mutations applied, in order
 * @param bytes       the file's bytes
 */
public record Mutant(String description, byte[] bytes) {
    public Mutant {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String toString() {
        return description + " (" + bytes.length + " bytes)";
    }
}
