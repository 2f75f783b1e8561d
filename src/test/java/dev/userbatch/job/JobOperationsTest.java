package dev.userbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every operation as a job, NDJSON and CSV: the users in PostgreSQL afterwards, the counts, and
 * each bad line failing alone with its line number.
 */
class JobOperationsTest extends JobSupport {

  @Test
  void csvCreateWithQuotedFieldsAndBadRecords() {
    String tag = unique("csv");
    String csv =
        "email,name,passwordHash\r\n"
            + "a-"
            + tag
            + "@example.com,\"Smith, Anna\","
            + HASH
            + "\r\n"
            + "\"b-"
            + tag
            + "@example.com\",\"Bob \"\"the\"\" Builder\","
            + HASH
            + "\r\n"
            + "x-"
            + tag
            + "@example.com,\"Two\nLines\","
            + HASH
            + "\r\n"
            + "c-"
            + tag
            + "@example.com,Carl\r\n"
            + "d-"
            + tag
            + "@example.com,Dora,\"unterminated\r\n";
    JsonObject job = runJob("operation=create&chunkSize=2", "text/csv", csv);
    assertThat(job.getString("format")).isEqualTo("csv");
    assertThat(job.getJsonObject("counts"))
        .isEqualTo(
            new JsonObject()
                .put("total", 5)
                .put("processed", 5)
                .put("succeeded", 2)
                .put("failed", 3)
                .put("skipped", 0));
    List<JsonObject> failures = ndjson(JOBS + "/" + job.getString("id") + "/failures");
    // the record of lines 4-5 is one item (index 2); the next records start at lines 6 and 7
    assertThat(failures).extracting(f -> f.getInteger("line")).containsExactly(4, 6, 7);
    assertThat(failures).extracting(f -> f.getInteger("index")).containsExactly(2, 3, 4);
    assertThat(failures.get(0).getString("error")).contains("control characters");
    assertThat(failures.get(0).getJsonObject("item").getString("passwordHash"))
        .isEqualTo("[REDACTED]");
    assertThat(failures.get(1).getString("error")).contains("2 fields");
    assertThat(failures.get(2).getString("error")).contains("never ends");
    List<JsonObject> results = ndjson(JOBS + "/" + job.getString("id") + "/results");
    assertThat(results)
        .extracting(r -> r.getString("name"))
        .containsExactly("Smith, Anna", "Bob \"the\" Builder");
  }

  @Test
  void updateJobsInNdjsonAndCsv() {
    JsonArray users = createdUsers("upd", 3);
    String ndjson =
        new JsonObject()
                .put("id", id(users, 0))
                .put("data", new JsonObject().put("name", "Renamed 0"))
                .encode()
            + "\n"
            + new JsonObject()
                .put("id", "not-a-uuid")
                .put("data", new JsonObject().put("name", "X"))
                .encode()
            + "\n";
    JsonObject job = runJob("operation=update", "application/x-ndjson", ndjson);
    assertThat(job.getJsonObject("counts").getInteger("succeeded")).isEqualTo(1);
    assertThat(userRow(id(users, 0)).getString("name")).isEqualTo("Renamed 0");
    assertThat(ndjson(JOBS + "/" + job.getString("id") + "/failures"))
        .extracting(f -> f.getInteger("line"))
        .containsExactly(2);

    String csv =
        "id,name,expectedVersion\n"
            + id(users, 1)
            + ",Renamed 1,1\n"
            + id(users, 2)
            + ",Renamed 2,7\n";
    JsonObject csvJob = runJob("operation=update", "text/csv", csv);
    assertThat(userRow(id(users, 1)).getString("name")).isEqualTo("Renamed 1");
    assertThat(userRow(id(users, 2)).getString("name")).isNotEqualTo("Renamed 2");
    assertThat(csvJob.getJsonObject("failuresByCode"))
        .isEqualTo(new JsonObject().put("VERSION_CONFLICT", 1));
    List<JsonObject> failures = ndjson(JOBS + "/" + csvJob.getString("id") + "/failures");
    assertThat(failures.get(0).getInteger("line")).isEqualTo(3);
    assertThat(failures.get(0).getInteger("index")).isEqualTo(1);
  }

  @Test
  void lastLoginSoftDeleteAndRestoreJobs() {
    JsonArray users = createdUsers("ids", 2);
    String ndjson = "\"" + id(users, 0) + "\"\n\"" + id(users, 1) + "\"\n42\n";
    JsonObject login = runJob("operation=last-login", "application/x-ndjson", ndjson);
    assertThat(login.getJsonObject("counts").getInteger("succeeded")).isEqualTo(2);
    assertThat(userRow(id(users, 0)).getValue("last_login_at")).isNotNull();
    assertThat(ndjson(JOBS + "/" + login.getString("id") + "/failures"))
        .extracting(f -> f.getInteger("line"))
        .containsExactly(3);

    String csv = "id\n" + id(users, 0) + "\n" + id(users, 1) + "\n";
    JsonObject deleted = runJob("operation=soft-delete", "text/csv", csv);
    assertThat(deleted.getString("status")).isEqualTo("completed");
    Row row = userRow(id(users, 1));
    assertThat(row.getValue("deleted_at")).isNotNull();
    assertThat(ndjson(JOBS + "/" + deleted.getString("id") + "/results")).hasSize(2);

    JsonObject restored =
        runJob("operation=restore", "application/x-ndjson", "\"" + id(users, 1) + "\"\n");
    assertThat(restored.getString("status")).isEqualTo("completed");
    assertThat(userRow(id(users, 1)).getValue("deleted_at")).isNull();
    JsonObject again = runJob("operation=restore", "text/csv", "id\n" + id(users, 1) + "\n");
    assertThat(again.getJsonObject("failuresByCode"))
        .isEqualTo(new JsonObject().put("NOT_DELETED", 1));
  }
}
