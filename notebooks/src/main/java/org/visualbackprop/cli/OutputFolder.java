package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one rule every command follows for the files it writes:
 * <ol>
 * <li>check what can be checked before writing anything: {@link #create} refuses an {@code --out} that is an existing
 *     file or a folder that cannot be created or written to, with the reason, before any work starts;</li>
 * <li>write each output to a temporary name in the folder it goes to ({@code .vbp-XXXXXXXX-NAME}) and move it into
 *     place when it is complete, atomically where the file system allows ({@link StandardCopyOption#ATOMIC_MOVE}), so
 *     that nobody ever sees half a file, and an output of the same name is replaced whole;</li>
 * <li>a failed run leaves the folder as it found it: {@link #stage staged} outputs take their names only at
 *     {@link #commit()}, and {@link #close()} without a commit deletes them and the folders this run created; the few
 *     outputs that must survive a failure ({@link #publish}: a training checkpoint) are listed by
 *     {@link #leftBehind()}, so the command can say exactly what it left.</li>
 * </ol>
 * Temporary files are also deleted when the JVM is stopped (Ctrl-C) before the run ends.
 *
 * <pre>{@code
 * try (OutputFolder out = OutputFolder.create(dir, "--out")) {
 *     out.stage("figure.png", tmp -> Images.writePng(img, tmp));
 *     out.stage("index.html", tmp -> Files.writeString(tmp, html));
 *     out.commit();
 * }
 * }</pre>
 */
final class OutputFolder implements AutoCloseable {
    /** Writes one output to the temporary file it is given (which exists, empty, and may be replaced). */
    @FunctionalInterface
    interface Writer {
        void write(Path temporary) throws IOException;
    }

    /** What {@link #publish} put in place, and what it is, for the failure message. */
    private record Published(Path file, String what) {
    }

    private static final String PREFIX = ".vbp-";

    /** The rule in one sentence, for every writing command's {@code --help}. */
    static final String HELP = "Outputs of the same name are replaced. Each file is written under a temporary name and moved into "
            + "place when complete; a run that fails leaves the output folder as it found it (a training run keeps the checkpoint "
            + "of its last finished epoch, and says so).";

    private final Path dir;
    private final String option;
    private final List<Path> createdDirs = new ArrayList<>();
    private final Map<Path, Path> staged = new LinkedHashMap<>(); // final name -> temporary file
    private final Map<Path, Published> published = new LinkedHashMap<>();
    private final List<Path> scratch = new ArrayList<>();
    private final Thread cleanup = new Thread(this::deleteTemporaries, "vbp output cleanup");
    private boolean hooked;
    private boolean committed;

    private OutputFolder(Path dir, String option) {
        this.dir = dir;
        this.option = option;
    }

    /**
     * The output folder {@code dir}, created when missing (with its parents), after checking that it is a folder this
     * user can write in (a test file is created and deleted).
     *
     * @param option how the user named it, for messages ({@code "--out"})
     * @throws IllegalArgumentException when {@code dir} is an existing file
     * @throws IOException              when it cannot be created or written to, with the reason
     */
    static OutputFolder create(Path dir, String option) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + dir + " is an existing file, not a folder (give a folder name; it is"
                    + " created when missing)");
        }
        OutputFolder f = new OutputFolder(abs, option);
        f.makeDirs(abs);
        f.probe(abs);
        return f;
    }

    /**
     * The folder of the output file {@code file} (such as a model), checked as {@link #create} checks a folder; the
     * file itself must not be an existing folder.
     *
     * @throws IllegalArgumentException when {@code file} is an existing folder
     */
    static OutputFolder forFile(Path file, String option) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + file + " is an existing folder; give a file name inside it");
        }
        Path parent = abs.getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": " + parent + " is an existing file, not a folder");
        }
        OutputFolder f = new OutputFolder(parent, option);
        f.makeDirs(parent);
        f.probe(parent);
        return f;
    }

    /** The folder, absolute. */
    Path dir() {
        return dir;
    }

    /** Where output {@code name} (a file name, or {@code sub/name}) goes. */
    Path target(String name) {
        Path t = dir.resolve(name).normalize();
        if (!t.startsWith(dir) || t.equals(dir)) {
            throw new IllegalArgumentException("output name " + name + " leaves the folder " + dir);
        }
        return t;
    }

    /**
     * Writes output {@code name} to a temporary file now; it takes its name at {@link #commit()} (replacing a file of
     * that name), and is deleted by {@link #close()} without a commit. Staging a name again replaces what was staged.
     */
    void stage(String name, Writer writer) throws IOException {
        Path target = target(name);
        Path tmp = write(target, writer);
        Path old = staged.put(target, tmp);
        if (old != null) {
            Files.deleteIfExists(old);
        }
    }

    /**
     * A temporary file for output {@code name} that the caller writes bit by bit (a stack of maps, a table growing a row
     * per input): staged at once, so it takes its name at {@link #commit()} and is deleted by {@link #close()} without a
     * commit, like {@link #stage}.
     */
    Path streaming(String name) throws IOException {
        Path target = target(name);
        Path tmp = write(target, t -> Files.write(t, new byte[0]));
        Path old = staged.put(target, tmp);
        if (old != null) {
            Files.deleteIfExists(old);
        }
        return tmp;
    }

    /**
     * A scratch file in the folder, deleted by {@link #close()} whether or not the run commits: for intermediate data
     * too large for memory.
     */
    Path scratch(String name) throws IOException {
        Path tmp = write(target(name), t -> Files.write(t, new byte[0]));
        synchronized (this) {
            scratch.add(tmp);
        }
        return tmp;
    }

    /**
     * Writes output {@code name} to a temporary file and moves it into place at once (replacing a file of that name): for
     * an output that must survive a later failure, such as the checkpoint of a finished epoch.
     *
     * @param what what the file is, for {@link #leftBehind()}: {@code "the checkpoint of epoch 3"}
     */
    Path publish(String name, String what, Writer writer) throws IOException {
        Path target = target(name);
        Path tmp = write(target, writer);
        moveIntoPlace(tmp, target);
        published.put(target, new Published(target, what));
        return target;
    }

    /** Moves every staged output into place, in the order staged. */
    void commit() throws IOException {
        List<Path> done = new ArrayList<>();
        for (Map.Entry<Path, Path> e : staged.entrySet()) {
            try {
                moveIntoPlace(e.getValue(), e.getKey());
            } catch (IOException ex) {
                throw new IOException("could not move " + e.getKey().getFileName() + " into place in " + dir + " (" + reason(ex) + ")"
                        + (done.isEmpty() ? "" : "; already in place: " + names(done)), ex);
            }
            done.add(e.getKey());
            published.put(e.getKey(), new Published(e.getKey(), "written"));
        }
        staged.clear();
        committed = true;
    }

    /**
     * What a failed run leaves in the folder: the published outputs, or "nothing was written" (said after
     * {@link #close()}).
     */
    String leftBehind() {
        if (published.isEmpty()) {
            return "nothing was written";
        }
        List<String> parts = new ArrayList<>();
        for (Published p : published.values()) {
            parts.add(p.file() + (p.what().equals("written") ? "" : " (" + p.what() + ")"));
        }
        return "left in place: " + String.join(", ", parts) + "; nothing else was written";
    }

    /** Deletes the staged temporary files and, unless committed, the folders this run created and left empty. */
    @Override
    public void close() {
        deleteTemporaries();
        if (!committed) {
            for (int i = createdDirs.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(createdDirs.get(i));
                } catch (DirectoryNotEmptyException e) {
                    // something was published there: it stays, and so do the folders above it
                } catch (IOException e) {
                    // best effort
                }
            }
        }
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
            hooked = false;
        }
    }

    private synchronized void deleteTemporaries() {
        List<Path> all = new ArrayList<>(staged.values());
        all.addAll(scratch);
        for (Path tmp : all) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // best effort: the name starts with .vbp- and says what it is
            }
        }
        staged.clear();
        scratch.clear();
    }

    private Path write(Path target, Writer writer) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException(option + ": cannot write " + target + ": a folder of that name is in the way");
        }
        makeDirs(target.getParent());
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(cleanup);
            hooked = true;
        }
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        Path tmp = target.resolveSibling(PREFIX + suffix + "-" + target.getFileName());
        synchronized (this) {
            staged.put(tmp, tmp); // deleted by the cleanup until it is moved or staged under its own name
        }
        boolean ok = false;
        try {
            writer.write(tmp);
            if (!Files.isRegularFile(tmp)) {
                throw new IOException("the writer of " + target.getFileName() + " wrote nothing");
            }
            ok = true;
            return tmp;
        } catch (IOException e) {
            throw new IOException("could not write " + target + " (" + reason(e) + ")", e);
        } finally {
            synchronized (this) {
                staged.remove(tmp);
            }
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Creates {@code d} and its missing parents, remembering which this run created. */
    private void makeDirs(Path d) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = d; p != null && !Files.isDirectory(p); p = p.getParent()) {
            if (Files.exists(p)) {
                throw new IllegalArgumentException(option + ": cannot create the folder " + d + ": " + p + " is an existing file");
            }
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                continue; // made meanwhile
            } catch (IOException e) {
                throw new IOException(option + ": cannot create the folder " + p + " (" + reason(e) + ")", e);
            }
            createdDirs.add(p);
        }
    }

    /** Creates and deletes a test file in {@code d}: the only sure way to know that this user can write there. */
    private void probe(Path d) throws IOException {
        try {
            Path p = Files.createTempFile(d, PREFIX + "probe-", ".tmp");
            Files.delete(p);
        } catch (IOException e) {
            close();
            throw new IOException(option + ": cannot write in " + d + " (" + reason(e) + ")", e);
        }
    }

    /** Why an I/O operation failed, in words: "permission denied", "read-only file system", "no space left on device". */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String names(List<Path> ps) {
        return String.join(", ", ps.stream().map(p -> p.getFileName().toString()).toList());
    }
}
