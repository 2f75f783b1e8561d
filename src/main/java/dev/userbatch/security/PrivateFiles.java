package dev.userbatch.security;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files only their owner can read, never readable by anyone else, not even for a moment: the
 * content is written to a temporary file created with mode 0600 (the mode is given at creation, not
 * set afterwards) in the same directory, then renamed into place, so a reader sees either nothing
 * or the complete file. On a file system without POSIX permissions the default (per-user)
 * permissions apply.
 */
public final class PrivateFiles {
  static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /** Creates {@code dir} (and missing parents) with mode 0700 when it does not exist. */
  public static void createDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, attributes(dir.toAbsolutePath().getRoot(), OWNER_ONLY_DIRECTORY));
    }
  }

  /** Writes {@code text} to {@code file}, replacing it atomically. */
  static void replace(Path file, String text) throws IOException {
    Path temporary = writeTemporary(file, text);
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Writes {@code text} to {@code file} unless it exists; false when it does (another instance
   * sharing the directory may have just created it: its content wins).
   */
  public static boolean createIfAbsent(Path file, String text) throws IOException {
    Path temporary = writeTemporary(file, text);
    try {
      // a hard link fails if the name exists, where a rename would silently replace the other file
      Files.createLink(file, temporary);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException noHardLinks) {
      if (Files.exists(file)) {
        return false;
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Restricts an existing file to its owner; true if group or others had any permission on it. */
  static boolean restrict(Path file) throws IOException {
    if (!posix(file)) {
      return false;
    }
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
    if (current.stream().noneMatch(OTHERS::contains)) {
      return false;
    }
    Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
    return true;
  }

  private static Path writeTemporary(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temporary =
        Files.createTempFile(
            dir, "." + file.getFileName(), ".tmp", attributes(dir, OWNER_READ_WRITE));
    try {
      Files.writeString(temporary, text);
      return temporary;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  private static FileAttribute<?>[] attributes(Path where, Set<PosixFilePermission> permissions) {
    return posix(where)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
