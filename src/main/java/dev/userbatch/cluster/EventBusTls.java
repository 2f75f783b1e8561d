package dev.userbatch.cluster;

import dev.userbatch.config.ClusterConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

/**
 * The clustered event bus of this node: TLS in both directions between members. Each node presents
 * the key of {@code CLUSTER_KEY_STORE} and accepts only peers whose certificate was signed by a
 * certificate of {@code CLUSTER_TRUST_STORE} (client authentication required): a process without
 * such a key can neither send to a member nor receive from one. The stores are opened here, at
 * start-up, so that a wrong path or password stops the node with a message naming the variable.
 *
 * <p>Host names are not checked (Vert.x's event-bus client never does): the identity that counts is
 * "holds a key the cluster's CA signed", and members are addressed by IP.
 */
final class EventBusTls {
  private static final String TYPE = "PKCS12";

  private EventBusTls() {}

  static EventBusOptions options(ClusterConfig cluster) {
    check(cluster.keyStore(), cluster.keyStorePassword(), "CLUSTER_KEY_STORE", true);
    check(cluster.trustStore(), cluster.trustStorePassword(), "CLUSTER_TRUST_STORE", false);
    return new EventBusOptions()
        .setHost(cluster.eventBusAddress())
        .setPort(cluster.eventBusPort())
        .setSsl(true)
        .setKeyCertOptions(store(cluster.keyStore(), cluster.keyStorePassword()))
        .setTrustOptions(store(cluster.trustStore(), cluster.trustStorePassword()))
        .setClientAuth(ClientAuth.REQUIRED);
  }

  /**
   * PfxOptions, not the generic KeyStoreOptions: Vert.x copies event-bus options through JSON,
   * which keeps only the former.
   */
  private static PfxOptions store(String path, String password) {
    return new PfxOptions().setPath(path).setPassword(password);
  }

  /**
   * Opens the store: it must exist, open with the password, and hold a key (or a certificate to
   * trust).
   */
  private static void check(String path, String password, String env, boolean needsKey) {
    KeyStore store;
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      store = KeyStore.getInstance(TYPE);
      store.load(in, password == null ? null : password.toCharArray());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(env + " " + path + " does not exist");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          env
              + " "
              + path
              + " cannot be opened as PKCS#12 with "
              + env
              + "_PASSWORD: "
              + e.getMessage());
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (needsKey ? store.isKeyEntry(alias) : store.isCertificateEntry(alias)) {
          return;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(env + " " + path + " cannot be read: " + e.getMessage());
    }
    throw new IllegalArgumentException(
        env + " " + path + (needsKey ? " holds no private key" : " holds no trusted certificate"));
  }
}
