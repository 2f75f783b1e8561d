package dev.userbatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The jar's command line: {@code serve} (also when no command is given: the service, as it always
 * ran) and the client commands of import jobs. {@link #execute} answers the exit code; after {@code
 * serve} the JVM keeps running, so the caller must not exit then ({@link #serving()}).
 */
@Command(
    name = "user-batch-service",
    mixinStandardHelpOptions = true,
    version = "user-batch-service 0.1.0",
    description = {
      "Batch user management service and its import-jobs client.",
      "With no command: serve (run the service; configuration from conf/application.json and"
          + " environment variables, see the README)."
    },
    subcommands = {
      ImportCommand.class,
      ListCommands.Jobs.class,
      ListCommands.Status.class,
      ListCommands.Cancel.class,
      ListCommands.Failures.class,
      RetryCommand.class
    },
    exitCodeListHeading = "%nExit codes of the client commands:%n",
    exitCodeList = {
      "0:all items succeeded or were skipped (or the command did what it said)",
      "1:the job finished and some items failed (see the failure file)",
      "2:bad command line",
      "3:the job ended as failed or cancelled",
      "4:the service refused the request (error status, code and message printed)",
      "5:the service could not be reached, or a file could not be read or written"
    })
public final class Cli implements Callable<Integer> {
  private final Runnable serve;
  private boolean serving;

  public Cli(Runnable serve) {
    this.serve = serve;
  }

  @Override
  public Integer call() {
    return serve();
  }

  @Command(name = "serve", description = "Run the service (the default when no command is given).")
  int serve() {
    serving = true;
    serve.run();
    return ExitCodes.OK;
  }

  /** True once {@code serve} ran: the service's threads keep the JVM alive. */
  public boolean serving() {
    return serving;
  }

  /** Runs the command line; output to {@code out} and {@code err}. */
  public int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(this);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("error: " + explain(e, cmd));
          cmd.getErr().flush();
          return e instanceof ApiException ? ExitCodes.REFUSED : ExitCodes.IO_ERROR;
        });
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String explain(Exception e, CommandLine cmd) throws Exception {
    if (e instanceof ApiException api) {
      return api.toString();
    }
    if (e instanceof ConnectException || e instanceof HttpTimeoutException) {
      return "cannot reach the service (" + e + "): is it running at the --url given?";
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      return e.toString();
    }
    throw e;
  }
}
