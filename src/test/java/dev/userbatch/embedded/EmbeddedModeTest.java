package dev.userbatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.config.EmbeddedMode;
import org.junit.jupiter.api.Test;

class EmbeddedModeTest {

  @Test
  void parsesCaseInsensitively() {
    assertThat(EmbeddedMode.parse("auto")).isEqualTo(EmbeddedMode.AUTO);
    assertThat(EmbeddedMode.parse(" ALWAYS ")).isEqualTo(EmbeddedMode.ALWAYS);
    assertThat(EmbeddedMode.parse("Never")).isEqualTo(EmbeddedMode.NEVER);
  }

  @Test
  void rejectsUnknownValuesNamingTheAllowedOnes() {
    assertThatThrownBy(() -> EmbeddedMode.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sometimes")
        .hasMessageContaining("auto, always, never");
    assertThatThrownBy(() -> EmbeddedMode.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auto, always, never");
  }
}
