package dev.userbatch.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Hazelcast cluster name of a deployment: its {@code CLUSTER_NAME} followed by an HMAC of that
 * name under {@code CLUSTER_SECRET}. Hazelcast refuses a joining member whose cluster name differs,
 * so a node without the secret cannot become a member; and the secret itself never appears in a
 * join message, a log line or a management tool, only this digest of it.
 */
final class ClusterName {
  private ClusterName() {}

  static String derive(String name, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal(("user-batch cluster " + name).getBytes(StandardCharsets.UTF_8));
      return name + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
