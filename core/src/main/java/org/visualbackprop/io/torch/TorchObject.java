package org.visualbackprop.io.torch;

/**
 * A torch object other than a tensor or a storage, as a Torch7 file stores it: its class name (such as
 * {@code "nn.SpatialConvolution"}), the serialization version of its class ({@code 1} for {@code "V 1"}, {@code 0}
 * in old files that have no version string) and its contents, one value: for {@code nn} modules a
 * {@link TorchTable} of the module's fields ({@code weight}, {@code bias}, {@code kW}, {@code train}, ...).
 *
 * <p>Compares by identity (a file can refer to one object several times). Immutable once read.
 */
public final class TorchObject {
    private final String className;
    private final int version;
    private Object contents;

    TorchObject(String className, int version) {
        this.className = className;
        this.version = version;
    }

    /** Sets the contents while reading (the reader's use only: the object is registered before its contents are read,
     * so that the contents can refer back to it). */
    void setContents(Object contents) {
        this.contents = contents;
    }

    /** The Lua class name, such as {@code "cudnn.SpatialBatchNormalization"}. */
    public String className() {
        return className;
    }

    /** The class's serialization version: the number after {@code "V "}, or 0 for old files without it. */
    public int version() {
        return version;
    }

    /** The serialized contents: a {@link TorchTable} for {@code nn} modules, any value in general. */
    public Object contents() {
        return contents;
    }

    /** True when the contents are a table of fields (as for every {@code nn} module). */
    public boolean hasFields() {
        return contents instanceof TorchTable;
    }

    /**
     * The contents as a table of fields.
     *
     * @throws IllegalStateException when the contents are not a table (the message says what they are)
     */
    public TorchTable fields() {
        if (contents instanceof TorchTable t) {
            return t;
        }
        throw new IllegalStateException("torch object " + className + " holds "
                + (contents == null ? "nil" : contents.getClass().getSimpleName()) + ", not a table of fields");
    }

    /** The field {@code name}, or null when absent or when the contents are not a table. */
    public Object field(String name) {
        return contents instanceof TorchTable t ? t.get(name) : null;
    }

    @Override
    public String toString() {
        return "TorchObject[" + className + (version > 0 ? ", V " + version : "") + "]";
    }
}
