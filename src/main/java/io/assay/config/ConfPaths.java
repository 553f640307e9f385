package io.assay.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a path in the configuration directory is, following symbolic links, and why it cannot be
 * used when it cannot: missing, a symbolic link loop, or permission denied. {@code Files.exists}
 * and {@code Files.isRegularFile} answer {@code false} in all three cases, which used to turn a
 * loop or a permission problem into "file not found", or an unreadable {@code experiments/} into an
 * empty one.
 */
final class ConfPaths {
  /** Linux follows at most 40 symbolic links while resolving a path (MAXSYMLINKS), then ELOOP. */
  static final int MAX_LINKS = 40;

  enum Kind {
    FILE,
    DIRECTORY,
    /** Neither a regular file nor a directory (a FIFO, a socket, a device). */
    SPECIAL,
    MISSING,
    /** A symbolic link whose target does not exist. */
    DANGLING,
    LOOP,
    /** A directory on the way cannot be searched. */
    DENIED,
    /** Any other I/O error; {@link Probe#detail()} says which. */
    ERROR
  }

  /** The kind of a path and, for the failing kinds, a detail for the message. */
  record Probe(Kind kind, String detail) {}

  private ConfPaths() {}

  static Probe probe(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      Kind k = a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.FILE : Kind.SPECIAL;
      return new Probe(k, "");
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(p)) {
        String target;
        try {
          target = Files.readSymbolicLink(p).toString();
        } catch (IOException e2) {
          target = "?";
        }
        return new Probe(Kind.DANGLING, target);
      }
      return new Probe(Kind.MISSING, "");
    } catch (AccessDeniedException e) {
      return new Probe(Kind.DENIED, unsearchable(p));
    } catch (IOException e) {
      return isLoop(p) ? new Probe(Kind.LOOP, "") : new Probe(Kind.ERROR, reason(e));
    }
  }

  /** The first directory on the path to {@code p} that the user may not search, or "". */
  private static String unsearchable(Path p) {
    Path abs = p.toAbsolutePath();
    Path cur = abs.getRoot();
    for (Path name : abs.getParent() == null ? abs : abs.getParent()) {
      cur = cur.resolve(name);
      if (Files.isDirectory(cur) && !Files.isExecutable(cur)) {
        return cur.toString();
      }
    }
    return "";
  }

  /**
   * True when resolving {@code p} follows more than {@link #MAX_LINKS} symbolic links, which is
   * what the kernel reports as ELOOP. Resolved here component by component, so the answer does not
   * depend on the wording (or the language) of the operating system's error message.
   */
  static boolean isLoop(Path p) {
    Path abs = p.toAbsolutePath();
    Deque<String> todo = new ArrayDeque<>();
    for (Path name : abs) {
      todo.addLast(name.toString());
    }
    Path cur = abs.getRoot();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.removeFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        cur = cur.getParent() == null ? cur : cur.getParent();
        continue;
      }
      Path next = cur.resolve(c);
      if (!Files.isSymbolicLink(next)) {
        if (!Files.exists(next, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
        cur = next;
        continue;
      }
      if (++links > MAX_LINKS) {
        return true;
      }
      Path target;
      try {
        target = Files.readSymbolicLink(next);
      } catch (IOException e) {
        return false;
      }
      List<String> names = new ArrayList<>();
      for (Path name : target) {
        names.add(name.toString());
      }
      for (int i = names.size() - 1; i >= 0; i--) {
        todo.addFirst(names.get(i));
      }
      if (target.isAbsolute()) {
        cur = target.getRoot();
      }
    }
    return false;
  }

  /**
   * Records a problem for a path that is not of the {@code wanted} kind and returns false; returns
   * true when it is. {@code what} names the thing for the messages, e.g. "file" or "directory".
   */
  static boolean check(Path p, Kind wanted, String shownName, Problems problems) {
    Probe pr = probe(p);
    if (pr.kind() == wanted) {
      return true;
    }
    String what = wanted == Kind.DIRECTORY ? "directory" : "file";
    switch (pr.kind()) {
      case MISSING ->
          problems.error(
              shownName, "", what + " not found", "create it (see docs/configuration.md)");
      case DANGLING ->
          problems.error(
              shownName,
              "",
              "is a symbolic link to '" + pr.detail() + "', which does not exist",
              "point the link at an existing " + what + ", or replace the link with the " + what);
      case LOOP ->
          problems.error(
              shownName,
              "",
              "is a symbolic link loop: resolving it follows more than "
                  + MAX_LINKS
                  + " symbolic links without reaching a "
                  + what,
              "replace the link with the " + what + ", or point it at the real " + what);
      case DENIED ->
          problems.error(
              shownName,
              "",
              pr.detail().isEmpty()
                  ? "permission denied: a directory on its path cannot be searched"
                  : "permission denied: the directory " + pr.detail() + " cannot be searched",
              pr.detail().isEmpty()
                  ? "give the user running assay search (x) permission on every directory of the"
                      + " path"
                  : "give the user running assay search permission on it (chmod a+x "
                      + pr.detail()
                      + ")");
      case DIRECTORY ->
          problems.error(
              shownName,
              "",
              "is a directory, not a file",
              "replace it with the file (see docs/configuration.md)");
      case FILE, SPECIAL ->
          problems.error(
              shownName,
              "",
              "is not a directory",
              "make it a directory (see docs/configuration.md)");
      default ->
          problems.error(
              shownName,
              "",
              "cannot be read: " + pr.detail(),
              "check the " + what + " and the disk it is on");
    }
    return false;
  }

  /**
   * The entries of a directory, sorted, without hidden ones (names starting with '.'); null, with a
   * problem recorded, when the directory cannot be listed.
   */
  static List<Path> list(Path dir, String shownName, Problems problems) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (!p.getFileName().toString().startsWith(".")) {
          out.add(p);
        }
      }
    } catch (AccessDeniedException e) {
      problems.error(
          shownName,
          "",
          "permission denied: cannot list the directory",
          "give the user running assay read and search permission on it (chmod a+rx "
              + shownName
              + ")");
      return null;
    } catch (IOException e) {
      problems.error(
          shownName, "", "cannot list the directory: " + reason(e), "check the directory");
      return null;
    }
    out.sort(null);
    return out;
  }

  static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
