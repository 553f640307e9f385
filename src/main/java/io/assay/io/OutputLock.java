package io.assay.io;

import io.assay.config.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One writer per output root: a stage takes an exclusive OS file lock on {@code <output
 * root>/_assay.lock} before it writes anything, and keeps it until its command ends. A second run
 * on the same root fails at once (exit 1) with a message naming the holder; it never interleaves
 * its writes with the first. The operating system releases the lock when the holder dies, even by
 * {@code kill -9}, so a crash never leaves a stale lock (the file stays, holding the last holder's
 * description, and is simply locked again). Within one JVM the lock is re-entrant: {@code nightly}
 * runs every stage under one lock. See docs/decisions/0005-output-root-lock.md.
 *
 * <p>Works on local and POSIX shared file systems. An output root on another file system (HDFS, an
 * object store) has no OS file locks: there runs are serialized by a marker file, {@code <output
 * root>/_assay.lock} created only if absent (through {@link Storage#createNew}) and deleted when
 * the command ends. The marker is exclusive where creating a file that must not exist is atomic
 * (HDFS); on object stores it is a check then a write, and a run killed with {@code kill -9} leaves
 * it behind (the message says which run holds it; delete it when that run is gone). The
 * object-store lock of issue 20 replaces the marker and supersedes
 * docs/decisions/0005-output-root-lock.md.
 */
public final class OutputLock {
  public static final String FILE_NAME = "_assay.lock";

  /** A held lock: an OS lock on a local root's file, or (channel and lock null) a marker file. */
  private record Held(Location root, FileChannel channel, FileLock lock, Storage storage) {}

  /** Every acquisition in order; null entries are re-entrant acquisitions of a held root. */
  private static final List<Held> HELD = new ArrayList<>();

  private OutputLock() {}

  /** Another process holds the lock: the run stops before writing anything. */
  public static final class Locked extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Locked(Object file, String holder) {
      super(
          file
              + ": another assay run is writing to this output root ("
              + (holder.isBlank() ? "holder unknown" : holder.strip())
              + "); nothing was written. Rerun when it has finished (runs of one root must not"
              + " overlap).");
    }
  }

  /** The current number of acquisitions, to release back to with {@link #releaseTo}. */
  public static synchronized int mark() {
    return HELD.size();
  }

  /**
   * Takes the lock of {@code root} (creating the directory), describing the holder as {@code
   * description}; throws {@link Locked} when another process holds it.
   */
  public static synchronized void acquire(Location root, String description) {
    for (Held h : HELD) {
      if (h != null && h.root().equals(root)) {
        HELD.add(null);
        return;
      }
    }
    String holder =
        "pid "
            + ProcessHandle.current().pid()
            + ", "
            + description
            + ", since "
            + Instant.now()
            + "\n";
    if (!root.isLocal()) {
      Storage storage = Storage.beforeSpark();
      Location marker = root.resolve(FILE_NAME);
      if (!storage.createNew(marker, holder)) {
        String other;
        try {
          other = storage.readText(marker);
        } catch (RuntimeException e) {
          other = ""; // released meanwhile
        }
        throw new Locked(marker, other);
      }
      HELD.add(new Held(root, null, null, storage));
      return;
    }
    Path abs = root.localPath();
    Path file = abs.resolve(FILE_NAME);
    try {
      Files.createDirectories(abs);
      FileChannel ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String other = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        ch.close();
        throw new Locked(file, other);
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)));
      ch.force(false);
      HELD.add(new Held(root, ch, lock, null));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    }
  }

  /** Releases every lock taken since {@code mark}. */
  public static synchronized void releaseTo(int mark) {
    while (HELD.size() > mark) {
      Held h = HELD.remove(HELD.size() - 1);
      if (h != null && h.storage() != null) {
        try {
          h.storage().delete(h.root().resolve(FILE_NAME));
        } catch (RuntimeException e) {
          // The marker stays; the next run's message names it and its holder.
        }
      } else if (h != null) {
        try {
          h.lock().release();
          h.channel().close();
        } catch (IOException e) {
          // Closing the channel cannot fail in a way that keeps the lock; nothing to do.
        }
      }
    }
  }
}
