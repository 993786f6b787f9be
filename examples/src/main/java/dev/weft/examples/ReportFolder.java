package dev.weft.examples;

import dev.weft.core.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folders of one study's report: the output folder {@code NAME}, the run's own temporary folder
 * {@code .NAME.partial-ID} beside it, and the lock file {@code .NAME.lock} that keeps a second study off the same
 * output folder while this one runs.
 *
 * <p>{@link #publish} moves the previous report aside ({@code .NAME.old-ID}), the new one into place, and then
 * deletes the previous one. If a move fails, the previous report is put back and the new one stays in its
 * temporary folder, and the message says where each is: a complete report is never deleted. {@link #close}
 * deletes the temporary folder only if publishing was never tried (the run failed before its report was complete),
 * and releases the lock. The lock file itself stays: deleting it would let a third run lock a new file while a
 * second still waits on the old one.
 */
final class ReportFolder implements AutoCloseable {

    /** Renames a folder; tests inject failures through it. */
    @FunctionalInterface
    interface Move {
        void move(Path source, Path target) throws IOException;
    }

    /** A rename, atomic where the file system can; never replaces an existing target. */
    static final Move RENAME = (source, target) -> {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target);
        }
    };

    private final Path out;
    private final Path work;
    private final Path old;
    private final FileChannel lockFile;
    private final FileLock lock;
    private boolean publishing;

    private ReportFolder(Path out, Path work, Path old, FileChannel lockFile, FileLock lock) {
        this.out = out;
        this.work = work;
        this.old = old;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Locks {@code out} (absolute, normalised, with a parent) for this run, deletes the temporary folders runs that
     * were killed left beside it, and creates this run's own, holding the marker file.
     *
     * @throws UsageException if another study writes into {@code out}, or the folders cannot be created
     */
    static ReportFolder open(Path out) {
        Path parent = out.getParent();
        String name = out.getFileName().toString();
        Path lockPath = parent.resolve("." + name + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(parent);
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                throw new UsageException("Another study is writing its report into " + Printable.of(out)
                        + " (it holds the lock file " + Printable.of(lockPath) + "). Wait for it to finish, "
                        + "or choose another --out folder.");
            }
            deleteLeftovers(parent, name);
            String id = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path work = Files.createDirectory(parent.resolve("." + name + ".partial-" + id));
            Files.writeString(work.resolve(Report.MARKER),
                    "Written by the Weft study; a new run replaces this folder.\n");
            return new ReportFolder(out, work, parent.resolve("." + name + ".old-" + id), channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UsageException("Cannot create the report folder next to " + Printable.of(out) + ": "
                    + Printable.of(e.getMessage()) + ". Choose another --out folder you can write to.", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Deletes the temporary folders of killed runs into the same output folder (the lock says none is running);
     * best effort, since a folder left over costs only space.
     */
    private static void deleteLeftovers(Path parent, String name) {
        Pattern leftover = Pattern.compile("\\." + Pattern.quote(name) + "\\.partial(-[0-9a-z]+)?");
        List<Path> found;
        try (Stream<Path> entries = Files.list(parent)) {
            found = entries.filter(p -> leftover.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> Files.exists(p.resolve(Report.MARKER))).toList();
        } catch (IOException | UncheckedIOException e) {
            return;
        }
        for (Path folder : found) {
            try {
                Report.deleteTree(folder);
            } catch (IOException | UncheckedIOException e) {
                // Left for a later run; this run's folder has its own name.
            }
        }
    }

    /** This run's temporary folder. */
    Path work() {
        return work;
    }

    /** Where the report ends up. */
    Path out() {
        return out;
    }

    /**
     * Syncs the temporary folder to disk and moves it to {@link #out()} with {@code move}, replacing a previous
     * report; releases the lock. From the first call on, {@link #close()} never deletes the temporary folder.
     *
     * @throws UncheckedIOException if a move fails, saying where the new and the previous report are
     * @throws UsageException if {@code out} became a folder that is not a report while the study ran
     */
    Path publish(Move move) {
        publishing = true;
        try {
            try {
                Report.checkReplaceable(out);
            } catch (UsageException e) {
                throw new UsageException(e.getMessage() + " The finished report is kept in " + Printable.of(work)
                        + ".", e);
            }
            syncTree(work);
            boolean replacing = Files.exists(out, LinkOption.NOFOLLOW_LINKS);
            if (replacing) {
                try {
                    move.move(out, old);
                } catch (IOException e) {
                    throw notPublished("the previous report " + Printable.of(out) + " could not be moved aside, "
                            + "so it is unchanged; the new report is kept in " + Printable.of(work), e);
                }
            }
            try {
                move.move(work, out);
            } catch (IOException e) {
                if (!replacing) {
                    throw notPublished("the finished report could not be moved to " + Printable.of(out)
                            + "; it is kept in " + Printable.of(work), e);
                }
                try {
                    move.move(old, out);
                } catch (IOException restoreFailed) {
                    e.addSuppressed(restoreFailed);
                    throw notPublished("the finished report could not be moved to " + Printable.of(out)
                            + ", nor the previous report back: the previous report is in " + Printable.of(old)
                            + " and the new one in " + Printable.of(work), e);
                }
                throw notPublished("the finished report could not be moved to " + Printable.of(out)
                        + "; the previous report is back in place and the new one is kept in " + Printable.of(work),
                        e);
            }
            AtomicFiles.syncDirectory(out.getParent());
            if (replacing) {
                try {
                    Report.deleteTree(old);
                } catch (IOException e) {
                    // The new report is in place; a previous one left under its hidden name costs only space.
                }
            }
            return out;
        } finally {
            close();
        }
    }

    private static UncheckedIOException notPublished(String what, IOException cause) {
        return new UncheckedIOException(what, cause);
    }

    /** Forces every file of the report and the folders holding them to disk, so a crash after the move loses none. */
    private static void syncTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    AtomicFiles.syncDirectory(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    AtomicFiles.syncFile(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report in " + Printable.of(root) + " to disk", e);
        }
    }

    /** Deletes the temporary folder unless publishing was tried, and releases the lock. */
    @Override
    public void close() {
        if (!publishing) {
            publishing = true;
            try {
                Report.deleteTree(work);
            } catch (IOException ignored) {
                // Best effort: the next study into the same folder deletes it (see open).
            }
        }
        if (lock.isValid()) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // Closing the channel below releases the lock too.
            }
        }
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was written through it: it only holds the lock.
            }
        }
    }
}
