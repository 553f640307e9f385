package io.assay.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the messages assay logs ({@code io.assay}, at INFO and above) while open, as a user
 * running {@code jobs/assay} would see them on stderr. Close it to stop collecting.
 */
public final class LogCapture implements AutoCloseable {
  private final List<String> messages = new ArrayList<>();
  private final AbstractAppender appender;
  private final LoggerConfig logger;
  private final Level before;

  public LogCapture() {
    LoggerContext lc = (LoggerContext) LogManager.getContext(false);
    logger = lc.getConfiguration().getLoggerConfig("io.assay");
    before = logger.getLevel();
    appender =
        new AbstractAppender(
            "capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent e) {
            synchronized (messages) {
              messages.add(e.getMessage().getFormattedMessage());
            }
          }
        };
    appender.start();
    logger.addAppender(appender, Level.INFO, null);
    Configurator.setLevel("io.assay", Level.INFO);
  }

  /** Every message logged so far. */
  public List<String> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  @Override
  public void close() {
    logger.removeAppender(appender.getName());
    appender.stop();
    Configurator.setLevel("io.assay", before);
  }
}
