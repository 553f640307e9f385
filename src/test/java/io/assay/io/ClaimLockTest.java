package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;

/**
 * The claim lock through Hadoop's FileSystem API on the local file system (the algorithm uses only
 * create, list, delete and modification times, so a thread is as good a contender as a process; the
 * same lock against S3 through S3A is tested with the object-store suite): contenders that start
 * together never hold it at once and one of them gets it; a held lock is refused with its holder
 * named; a claim not renewed for its time to live is taken over; a holder that cannot renew stops
 * itself and never brings its claim back.
 */
class ClaimLockTest {
  static final ClaimLock.Timing FAST =
      new ClaimLock.Timing(Duration.ofSeconds(4), Duration.ofMillis(200), Duration.ofSeconds(5));

  static FileSystem local() throws IOException {
    return FileSystem.get(URI.create("file:///"), new Configuration());
  }

  static Path root(String prefix) {
    return new Path(Fixtures.tempDir(prefix).toUri());
  }

  @Test
  void contendersStartingTogetherNeverHoldItAtOnceAndOneOfThemGetsIt() throws Exception {
    FileSystem fs = local();
    Path root = root("claim-race-");
    int contenders = 3;
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      for (int round = 0; round < 25; round++) {
        AtomicInteger holding = new AtomicInteger();
        AtomicBoolean overlap = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int c = 0; c < contenders; c++) {
          String who = "contender " + c;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    ClaimLock lock;
                    try {
                      lock = ClaimLock.acquire(fs, root, who, FAST);
                    } catch (ClaimLock.Locked e) {
                      return false;
                    }
                    try (lock) {
                      if (holding.incrementAndGet() > 1) {
                        overlap.set(true);
                      }
                      Thread.sleep(30);
                      holding.decrementAndGet();
                    }
                    return true;
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get() ? 1 : 0;
        }
        assertTrue(!overlap.get(), "round " + round + ": two holders at once");
        assertTrue(winners >= 1, "round " + round + ": nobody got the lock");
        assertEquals(0, ClaimLock.claims(fs, new Path(root, ClaimLock.DIR)).size(), "withdrawn");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHeldLockIsRefusedNamingItsHolderAndIsFreeAfterRelease() throws Exception {
    FileSystem fs = local();
    Path root = root("claim-held-");
    try (ClaimLock first = ClaimLock.acquire(fs, root, "nightly --date 2026-11-03", FAST)) {
      ClaimLock.Locked e =
          assertThrows(
              ClaimLock.Locked.class, () -> ClaimLock.acquire(fs, root, "reconcile", FAST));
      assertTrue(e.getMessage().contains("nightly --date 2026-11-03"), e.getMessage());
      assertTrue(e.getMessage().contains("another assay run"), e.getMessage());
      assertTrue(e.getMessage().contains(first.claim() + " expires at"), e.getMessage());
      assertEquals(1, ClaimLock.claims(fs, new Path(root, ClaimLock.DIR)).size(), "withdrawn");
      first.assertHeld();
    }
    try (ClaimLock again = ClaimLock.acquire(fs, root, "reconcile", FAST)) {
      again.assertHeld();
    }
  }

  @Test
  void theHolderRenewsItsClaimSoItOutlivesTheTtl() throws Exception {
    FileSystem fs = local();
    Path root = root("claim-renew-");
    try (ClaimLock held = ClaimLock.acquire(fs, root, "long run", FAST)) {
      Thread.sleep(FAST.ttl().toMillis() + 1000);
      held.assertHeld();
      assertThrows(ClaimLock.Locked.class, () -> ClaimLock.acquire(fs, root, "second", FAST));
    }
  }

  @Test
  void aClaimNotRenewedForTheTtlIsTakenOver() throws Exception {
    FileSystem fs = local();
    Path root = root("claim-stale-");
    // What a run killed with SIGKILL leaves: a held claim that is never renewed.
    Path dead =
        new Path(new Path(root, ClaimLock.DIR), "1700000000000-" + java.util.UUID.randomUUID());
    try (FSDataOutputStream out = fs.create(dead)) {
      out.writeBytes("{\"state\":\"held\",\"holder\":\"pid 1, killed\"}\n");
    }
    fs.setTimes(dead, System.currentTimeMillis() - FAST.ttl().toMillis() - 2000, -1);
    try (ClaimLock lock = ClaimLock.acquire(fs, root, "after the crash", FAST)) {
      lock.assertHeld();
      assertTrue(!fs.exists(dead), "the dead claim is gone");
    }
    // A claim just inside its TTL still holds.
    try (FSDataOutputStream out = fs.create(dead)) {
      out.writeBytes("{\"state\":\"held\",\"holder\":\"pid 1, slow\"}\n");
    }
    fs.setTimes(dead, System.currentTimeMillis() - FAST.ttl().toMillis() + 2000, -1);
    ClaimLock.Locked e =
        assertThrows(ClaimLock.Locked.class, () -> ClaimLock.acquire(fs, root, "too soon", FAST));
    assertTrue(e.getMessage().contains("pid 1, slow"), e.getMessage());
  }

  @Test
  void aHolderThatCannotRenewStopsItselfAndNeverBringsItsClaimBack() throws Exception {
    AtomicBoolean storeDown = new AtomicBoolean();
    FileSystem fs = new Flaky(local(), storeDown);
    Path root = root("claim-fence-");
    ClaimLock lock = ClaimLock.acquire(fs, root, "cut off", FAST);
    storeDown.set(true);
    Thread.sleep(FAST.ttl().toMillis() / 2 + 600);
    ClaimLock.Lost e = assertThrows(ClaimLock.Lost.class, lock::assertHeld);
    assertTrue(e.getMessage().contains("could not renew"), e.getMessage());
    assertTrue(e.getMessage().contains("store down"), e.getMessage());
    // Another run takes the root over once the claim is stale; the fenced holder stays silent.
    storeDown.set(false);
    Path dir = new Path(root, ClaimLock.DIR);
    fs.setTimes(new Path(dir, lock.claim()), System.currentTimeMillis() - 60_000, -1);
    try (ClaimLock next = ClaimLock.acquire(local(), root, "next run", FAST)) {
      Thread.sleep(FAST.heartbeat().toMillis() * 3);
      assertEquals(1, ClaimLock.claims(fs, dir).size(), "only the new holder's claim");
      assertThrows(ClaimLock.Lost.class, lock::assertHeld);
    }
    lock.close();
  }

  @Test
  void aHeartbeatOfMoreThanAQuarterOfTheTtlIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ClaimLock.Timing(Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ZERO));
  }

  /**
   * A file system whose creates fail while {@code down} is set, as when the store is unreachable.
   */
  static final class Flaky extends FilterFileSystem {
    private final AtomicBoolean down;

    Flaky(FileSystem fs, AtomicBoolean down) {
      super(fs);
      this.down = down;
    }

    @Override
    public FSDataOutputStream create(
        Path f,
        FsPermission permission,
        boolean overwrite,
        int bufferSize,
        short replication,
        long blockSize,
        Progressable progress)
        throws IOException {
      if (down.get()) {
        throw new IOException("store down");
      }
      return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }
  }
}
