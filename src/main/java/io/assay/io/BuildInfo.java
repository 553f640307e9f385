package io.assay.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Version and commit of this build, from {@code assay-build.properties} written by Maven. */
public final class BuildInfo implements IVersionProvider {
  private static final Properties PROPS = load();

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/assay-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Without the file the version reads "unknown"; nothing else depends on it.
    }
    return p;
  }

  public static String version() {
    return PROPS.getProperty("version", "unknown");
  }

  /** The git commit built, with "-dirty" when the work tree had uncommitted changes. */
  public static String commit() {
    String c = PROPS.getProperty("git.commit", "");
    if (c.isEmpty() || c.startsWith("${")) {
      return "unknown";
    }
    return c + ("true".equals(PROPS.getProperty("git.dirty")) ? "-dirty" : "");
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "assay " + version() + " (commit " + commit() + ")",
      "Java " + System.getProperty("java.version"),
    };
  }
}
