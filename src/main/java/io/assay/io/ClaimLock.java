package io.assay.io;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per output root on a store that has neither file locks nor an atomic create-if-absent:
 * S3 through Hadoop's S3A connector (3.4.1 creates with a check and then an unconditional PUT), and
 * any other Hadoop file system. The lock is made of plain create, list and delete calls: <b>claim,
 * list, alone wins</b>.
 *
 * <ol>
 *   <li>Write a claim file with a unique name under {@code <root>/_assay.lock.d/}.
 *   <li>List the directory. No other live claim: the lock is held.
 *   <li>Another claim that holds the lock, or that sorts before ours: withdraw (delete ours) and
 *       refuse, naming the holder. Only claims that sort after ours: wait for them to withdraw
 *       (they list, see ours, and do), for at most {@link Timing#patience}.
 * </ol>
 *
 * <p><b>Why two runs never both hold it.</b> Each winner listed after its own claim was stored and
 * saw no other claim. Of two winners, the one that listed second listed after the other's claim was
 * stored, so it saw that claim: a contradiction. This needs only a strongly consistent store (a
 * LIST after a completed PUT shows it): AWS S3 since December 2020, HDFS, ABFS, GCS, and the local
 * file system. The order of claim names decides only who waits and who yields, never safety.
 *
 * <p><b>A run that dies.</b> The holder rewrites its claim every {@link Timing#heartbeat}. A claim
 * whose modification time is more than {@link Timing#ttl} older than the contender's own fresh
 * claim — both times from the store's clock, read in one listing — is stale: the contender deletes
 * it and goes on. A holder that has not renewed successfully for half the TTL (on its own monotonic
 * clock) has lost the lock: it never renews again, and {@link #assertHeld} fails, so it stops
 * before its next write. No two machines' clocks are compared. A request already in flight when the
 * holder loses the lock can still land: the store's request timeouts must stay well under half the
 * TTL (S3A's are seconds; the TTL is minutes).
 *
 * <p>Writers that do not take the lock are not excluded. Delta's own commits on S3 are safe only
 * for one writing driver at a time (its {@code S3SingleDriverLogStore}); this lock is what makes
 * two assay runs on one {@code s3a://} root take turns. See
 * docs/decisions/0010-object-store-output-lock.md.
 */
public final class ClaimLock implements AutoCloseable {
  /** The directory of claims under an output root. */
  public static final String DIR = "_assay.lock.d";

  private static final Pattern CLAIM = Pattern.compile("\\d{13}-[0-9a-f-]{36}");

  /**
   * How long a claim lives without renewal, how often the holder renews it, and how long a
   * contender waits for later contenders to withdraw.
   */
  public record Timing(Duration ttl, Duration heartbeat, Duration patience) {
    /** Ten minutes, one minute, ten seconds. */
    public static final Timing DEFAULT =
        new Timing(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(10));

    public Timing {
      if (heartbeat.multipliedBy(4).compareTo(ttl) > 0) {
        throw new IllegalArgumentException(
            "the lock's heartbeat (" + heartbeat + ") must be at most a quarter of its TTL " + ttl);
      }
    }
  }

  /** Another run holds the lock: the run stops before writing anything. */
  public static final class Locked extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Locked(String message) {
      super(message);
    }
  }

  /** The holder could not renew its claim for half the TTL: it must stop writing. */
  public static final class Lost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Lost(String message) {
      super(message);
    }
  }

  private final FileSystem fs;
  private final Path root;
  private final Path mine;
  private final String name;
  private final String description;
  private final Timing timing;
  private volatile long lastRenewalSentNanos;
  private volatile boolean lost;
  private volatile boolean released;
  private volatile String lastRenewalError = "";
  private Thread heartbeat;

  private ClaimLock(FileSystem fs, Path root, String name, String description, Timing timing) {
    this.fs = fs;
    this.root = root;
    this.name = name;
    this.mine = new Path(new Path(root, DIR), name);
    this.description = description;
    this.timing = timing;
  }

  /**
   * Takes the lock of {@code root}, describing the holder as {@code description}; throws {@link
   * Locked} naming the holder when another run holds it.
   */
  public static ClaimLock acquire(FileSystem fs, Path root, String description, Timing timing) {
    String name =
        String.format("%013d-%s", System.currentTimeMillis(), UUID.randomUUID()); // order: liveness
    ClaimLock lock = new ClaimLock(fs, root, name, description, timing);
    try {
      lock.write("claiming");
      return lock.settle();
    } catch (Locked e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      lock.withdrawQuietly();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot lock the output root " + root + ": " + e, io);
      }
      throw (RuntimeException) e;
    }
  }

  private ClaimLock settle() throws IOException {
    long deadline = System.nanoTime() + timing.patience().toNanos();
    Path dir = mine.getParent();
    while (true) {
      List<FileStatus> claims = claims(fs, dir);
      FileStatus me = claims.stream().filter(s -> isMine(s)).findFirst().orElse(null);
      if (me == null) {
        // Only a contender that judged our claim stale removes it; not within one acquisition
        // unless the store's clock jumped. Refuse rather than guess.
        throw new Locked(
            root
                + ": this run's lock claim "
                + name
                + " disappeared while it was being taken;"
                + " nothing was written. Rerun.");
      }
      long storeNow = me.getModificationTime();
      List<FileStatus> live = new ArrayList<>();
      for (FileStatus s : claims) {
        if (s == me) {
          continue;
        }
        if (storeNow - s.getModificationTime() > timing.ttl().toMillis()) {
          fs.delete(s.getPath(), false); // its holder died: not renewed for a TTL of store time
        } else {
          live.add(s);
        }
      }
      if (live.isEmpty()) {
        write("held");
        lastRenewalSentNanos = System.nanoTime();
        startHeartbeat();
        return this;
      }
      for (FileStatus s : live) {
        String state = read(fs, s.getPath());
        if (s.getPath().getName().compareTo(name) < 0 || state.contains("\"state\":\"held\"")) {
          withdrawQuietly();
          throw locked(s, state);
        }
      }
      if (System.nanoTime() > deadline) {
        withdrawQuietly();
        throw new Locked(
            root
                + ": other assay runs are taking the lock of this output root at the same time ("
                + live.size()
                + " claim(s)); nothing was written. Rerun when they have finished.");
      }
      // Only later contenders remain: each withdraws once it lists and sees this claim.
      sleep(50 + ThreadLocalRandom.current().nextInt(100));
    }
  }

  private Locked locked(FileStatus other, String state) {
    Instant expires =
        Instant.ofEpochMilli(other.getModificationTime())
            .plus(timing.ttl())
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return new Locked(
        root
            + ": another assay run is writing to this output root ("
            + field(state, "holder")
            + ", since "
            + field(state, "since")
            + "); nothing was written. Rerun when it has finished (runs of one root must not"
            + " overlap). If that run died, its claim "
            + new Path(new Path(root, DIR), other.getPath().getName())
            + " expires at "
            + expires
            + " (the store's clock) unless renewed, and the next run then takes the lock.");
  }

  /** The value of a string field of a claim's JSON, or {@code unknown}. */
  private static String field(String json, String key) {
    String quoted = "\"" + key + "\":\"";
    int at = json.indexOf(quoted);
    if (at < 0) {
      return key.equals("holder") ? "holder unknown" : "unknown";
    }
    int from = at + quoted.length();
    int to = json.indexOf('"', from);
    return to < 0 ? "unknown" : json.substring(from, to);
  }

  private boolean isMine(FileStatus s) {
    return s.getPath().getName().equals(name);
  }

  /** The claim files in {@code dir} (none when it does not exist). */
  static List<FileStatus> claims(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    try {
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.isFile() && CLAIM.matcher(s.getPath().getName()).matches()) {
          out.add(s);
        }
      }
    } catch (FileNotFoundException e) {
      // no claims yet
    }
    return out;
  }

  private static String read(FileSystem fs, Path p) {
    try (InputStream in = fs.open(p)) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return ""; // withdrawn or taken over meanwhile: judged by its name alone
    }
  }

  private void write(String state) throws IOException {
    String json =
        "{\"state\":\""
            + state
            + "\",\"holder\":\""
            + escape("pid " + ProcessHandle.current().pid() + ", " + description)
            + "\",\"since\":\""
            + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            + "\",\"claim\":\""
            + name
            + "\"}\n";
    try (FSDataOutputStream out = fs.create(mine, true)) { // one PUT on an object store
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c == '"' || c == '\\' ? '\'' : c < ' ' ? ' ' : c);
    }
    return b.toString();
  }

  private void startHeartbeat() {
    heartbeat =
        new Thread(
            () -> {
              while (!released && !lost) {
                sleep(timing.heartbeat().toMillis());
                if (released) {
                  return;
                }
                long sent = System.nanoTime();
                if (sent - lastRenewalSentNanos > timing.ttl().toNanos() / 2) {
                  lost = true; // never renew a claim others may already judge stale
                  return;
                }
                try {
                  write("held");
                  lastRenewalSentNanos = sent;
                } catch (IOException e) {
                  lastRenewalError = e.toString();
                }
              }
            },
            "assay-lock-heartbeat");
    heartbeat.setDaemon(true);
    heartbeat.start();
  }

  /**
   * Fails with {@link Lost} when the claim has not been renewed for half the TTL; call before each
   * write.
   */
  public void assertHeld() {
    if (lost || System.nanoTime() - lastRenewalSentNanos > timing.ttl().toNanos() / 2) {
      lost = true;
      throw new Lost(
          root
              + ": this run could not renew its lock claim "
              + mine
              + " for half its time to live ("
              + timing.ttl().dividedBy(2)
              + (lastRenewalError.isEmpty() ? "" : "; last error: " + lastRenewalError)
              + "), so another run may take the root over; it stopped before writing more."
              + " Rerun when the store is reachable.");
    }
  }

  /** The claim's file name. */
  public String claim() {
    return name;
  }

  private void withdrawQuietly() {
    try {
      fs.delete(mine, false);
    } catch (IOException e) {
      // It ages out after the TTL.
    }
  }

  /** Stops renewing and deletes the claim. */
  @Override
  public void close() {
    released = true;
    if (heartbeat != null) {
      heartbeat.interrupt();
      try {
        heartbeat.join(); // no renewal may land after the delete
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    withdrawQuietly();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
