package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one rule for outputs: checked before writing, written under a temporary name, moved into place whole. */
class OutputFolderTest {
    @TempDir
    Path dir;

    /** Every path under {@code d}, relative, sorted. */
    static List<String> tree(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(p -> !p.equals(d)).map(p -> d.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private static OutputFolder.Writer text(String s) {
        return tmp -> Files.writeString(tmp, s, StandardCharsets.UTF_8);
    }

    @Test
    void anExistingFileIsRefusedAsAFolderAndNothingIsCreated() throws IOException {
        Path f = dir.resolve("results");
        Files.writeString(f, "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputFolder.create(f, "--out"));
        assertEquals("--out " + f + " is an existing file, not a folder (give a folder name; it is created when missing)", e.getMessage());
        Path below = f.resolve("sub/model.vbpm");
        e = assertThrows(IllegalArgumentException.class, () -> OutputFolder.forFile(below, "--out"));
        assertTrue(e.getMessage().contains(f + " is an existing file"), e.getMessage());
        Path folderAsFile = dir.resolve("d");
        Files.createDirectory(folderAsFile);
        e = assertThrows(IllegalArgumentException.class, () -> OutputFolder.forFile(folderAsFile, "--out"));
        assertTrue(e.getMessage().contains("is an existing folder"), e.getMessage());
        assertEquals(List.of("d", "results"), tree(dir));
        assertEquals("mine", Files.readString(f));
    }

    @Test
    void stagedOutputsTakeTheirNamesOnlyAtCommitReplacingOldOnes() throws IOException {
        Path out = dir.resolve("a/b");
        Files.createDirectories(out);
        Files.writeString(out.resolve("x.txt"), "old");
        try (OutputFolder f = OutputFolder.create(out, "--out")) {
            f.stage("x.txt", text("new x"));
            f.stage("sub/y.txt", text("y"));
            f.stage("x.txt", text("newer x")); // staging again replaces the staged one
            assertEquals("old", Files.readString(out.resolve("x.txt")), "not replaced before the commit");
            assertFalse(Files.exists(out.resolve("sub/y.txt")));
            assertEquals(2, tree(out).stream().filter(p -> p.contains(".vbp-")).count(), "two temporary files: " + tree(out));
            f.commit();
        }
        assertEquals(List.of("sub", "sub/y.txt", "x.txt"), tree(out));
        assertEquals("newer x", Files.readString(out.resolve("x.txt")));
        assertEquals("y", Files.readString(out.resolve("sub/y.txt")));
    }

    @Test
    void aRunThatFailsLeavesTheFolderAsItFoundIt() throws IOException {
        Path out = dir.resolve("new/results");
        Files.writeString(dir.resolve("keep.txt"), "mine");
        try (OutputFolder f = OutputFolder.create(out, "--out")) {
            f.stage("a.txt", text("a"));
            f.stage("masks/e.png", text("e"));
            assertTrue(Files.isDirectory(out.resolve("masks")));
            // no commit: the run failed
        }
        assertEquals(List.of("keep.txt"), tree(dir), "the folders this run created are gone too");
        Path existing = dir.resolve("existing");
        Files.createDirectories(existing);
        Files.writeString(existing.resolve("a.txt"), "earlier run");
        try (OutputFolder f = OutputFolder.create(existing, "--out")) {
            f.stage("a.txt", text("this run"));
        }
        assertEquals(List.of("a.txt"), tree(existing));
        assertEquals("earlier run", Files.readString(existing.resolve("a.txt")), "an earlier run's file of the same name is untouched");
    }

    @Test
    void publishedOutputsStayAfterAFailureAndAreNamed() throws IOException {
        Path model = dir.resolve("m.vbpm");
        String left;
        try (OutputFolder f = OutputFolder.forFile(model, "--out")) {
            assertEquals("nothing was written", f.leftBehind());
            f.publish("m.vbpm", "the checkpoint of epoch 1 of 3", text("epoch 1"));
            f.publish("m.vbpm", "the checkpoint of epoch 2 of 3", text("epoch 2"));
            f.stage("m.loss.png", text("curve"));
            f.close();
            left = f.leftBehind();
        }
        assertEquals(List.of("m.vbpm"), tree(dir));
        assertEquals("epoch 2", Files.readString(model));
        assertEquals("left in place: " + model + " (the checkpoint of epoch 2 of 3); nothing else was written", left);
    }

    @Test
    void aWriterThatFailsLeavesNoTemporaryFileAndSaysWhy() throws IOException {
        try (OutputFolder f = OutputFolder.create(dir, "--out")) {
            IOException e = assertThrows(IOException.class, () -> f.stage("z.png", tmp -> {
                Files.writeString(tmp, "half");
                throw new IOException("disk full");
            }));
            assertEquals("could not write " + dir.resolve("z.png") + " (disk full)", e.getMessage());
            assertEquals(List.of(), tree(dir));
            Files.createDirectory(dir.resolve("taken.png"));
            IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> f.stage("taken.png", text("x")));
            assertTrue(taken.getMessage().contains("a folder of that name is in the way"), taken.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.stage("../outside.txt", text("x")));
        }
        assertEquals(List.of("taken.png"), tree(dir));
    }

    @Test
    void aFolderThatCannotBeWrittenIsRefusedBeforeAnyWorkWithTheReason() throws IOException {
        Path ro = dir.resolve("read-only");
        Files.createDirectory(ro);
        assertTrue(ro.toFile().setWritable(false, false));
        try {
            Assumptions.assumeFalse(Files.isWritable(ro), "running as a user who may write anywhere (root): no read-only folder to try");
            IOException e = assertThrows(IOException.class, () -> OutputFolder.create(ro.resolve("out"), "--out"));
            assertTrue(e.getMessage().startsWith("--out: cannot create the folder " + ro.resolve("out")), e.getMessage());
            assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
            e = assertThrows(IOException.class, () -> OutputFolder.forFile(ro.resolve("m.vbpm"), "--out"));
            assertEquals("--out: cannot write in " + ro + " (permission denied)", e.getMessage());
        } finally {
            ro.toFile().setWritable(true, false);
        }
        assertEquals(List.of("read-only"), tree(dir));
    }

    @Test
    void theReasonOfAFailedWriteIsInWords() {
        assertEquals("permission denied", OutputFolder.reason(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("read-only file system", OutputFolder.reason(new java.nio.file.FileSystemException("/x", null, "Read-only file system")));
        assertEquals("not a folder", OutputFolder.reason(new java.nio.file.NotDirectoryException("/x")));
    }
}
