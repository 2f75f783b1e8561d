package dev.userbatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, items 7 and 11: the storage settings are read from the environment and checked at
 * start-up.
 */
class StorageConfigTest {

  @Test
  void defaultsAndOverrides() {
    StorageConfig defaults = ServiceConfig.load(Map.of()).storage();
    assertThat(defaults)
        .isEqualTo(
            new StorageConfig(
                null,
                365,
                30,
                7,
                3_600_000,
                1000,
                StorageConfig.WeakHashPolicy.FLAG,
                10,
                100_000,
                true));
    StorageConfig set =
        ServiceConfig.load(
                Map.of(
                    "IDEMPOTENCY_HMAC_KEY",
                    "k".repeat(32),
                    "RETENTION_AUDIT_DAYS",
                    "0",
                    "WEAK_HASH_POLICY",
                    "Refuse",
                    "WEAK_HASH_MIN_BCRYPT_COST",
                    "12"))
            .storage();
    assertThat(set.idempotencyHmacKey()).isEqualTo("k".repeat(32));
    assertThat(set.retentionAuditDays()).isZero();
    assertThat(set.weakHashPolicy()).isEqualTo(StorageConfig.WeakHashPolicy.REFUSE);
    assertThat(set.weakHashMinBcryptCost()).isEqualTo(12);
  }

  @Test
  void badValuesAreRefusedNamingTheVariable() {
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("IDEMPOTENCY_HMAC_KEY", "short")))
        .hasMessageContaining("IDEMPOTENCY_HMAC_KEY")
        .hasMessageContaining("32");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("RETENTION_OUTBOX_DAYS", "-1")))
        .hasMessageContaining("RETENTION_OUTBOX_DAYS");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("PURGE_BATCH_SIZE", "0")))
        .hasMessageContaining("PURGE_BATCH_SIZE");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("WEAK_HASH_POLICY", "ignore")))
        .hasMessageContaining("WEAK_HASH_POLICY")
        .hasMessageContaining("flag or refuse");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("WEAK_HASH_MIN_BCRYPT_COST", "3")))
        .hasMessageContaining("WEAK_HASH_MIN_BCRYPT_COST");
  }
}
