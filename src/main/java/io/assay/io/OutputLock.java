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
 * <p>An OS file lock exists only on a local (or POSIX shared) file system. Every other output root
 * (HDFS, S3 through S3A, ABFS, GCS) is locked by a {@link ClaimLock} under {@code <output
 * root>/_assay.lock.d/}: made of plain create, list and delete calls, exclusive on any strongly
 * consistent store, renewed while the run lasts, taken over once a dead holder's claim has not been
 * renewed for its time to live, and self-fencing: a holder that cannot renew stops before its next
 * write ({@link #assertHeld}, called by every writer of the root). See
 * docs/decisions/0010-object-store-output-lock.md.
 */
public final class OutputLock {
  public static final String FILE_NAME = "_assay.lock";

  /** A held lock: an OS lock on a local root's file, or (channel and lock null) a claim. */
  private record Held(Location root, FileChannel channel, FileLock lock, ClaimLock claim) {}

  /** Every acquisition in order; null entries are re-entrant acquisitions of a held root. */
  private static final List<Held> HELD = new ArrayList<>();

  private OutputLock() {}

  /** Another process holds the lock: the run stops before writing anything. */
  public static final class Locked extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Locked(String message) {
      super(message);
    }

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
      try {
        ClaimLock claim =
            ClaimLock.acquire(
                storage.fileSystem(root),
                new org.apache.hadoop.fs.Path(root.uri()),
                description,
                ClaimLock.Timing.DEFAULT);
        HELD.add(new Held(root, null, null, claim));
      } catch (ClaimLock.Locked e) {
        throw new Locked(e.getMessage());
      }
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

  /**
   * Fails with {@link ClaimLock.Lost} when a claim this process holds could not be renewed for half
   * its time to live (another run may take the root over): every writer of an output root calls it
   * before it writes. OS file locks cannot be lost while the process lives.
   */
  public static synchronized void assertHeld() {
    for (Held h : HELD) {
      if (h != null && h.claim() != null) {
        h.claim().assertHeld();
      }
    }
  }

  /** Releases every lock taken since {@code mark}. */
  public static synchronized void releaseTo(int mark) {
    while (HELD.size() > mark) {
      Held h = HELD.remove(HELD.size() - 1);
      if (h != null && h.claim() != null) {
        h.claim().close();
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
