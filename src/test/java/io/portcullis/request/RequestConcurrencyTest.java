package io.portcullis.request;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.review;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditLog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.RepeatedTest;

/** 100 concurrent approve, deny and cancel calls at one request: exactly one outcome. */
@QuarkusTest
class RequestConcurrencyTest {

  @Inject DataSource dataSource;
  @Inject AuditLog auditLog;

  long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @RepeatedTest(3)
  void oneTerminalOutcomeAtMostOneHandOffAndAMatchingAuditTrail() throws Exception {
    String me = fresh("eng");
    var requester = bearer(me, null, Set.of("engineers"), null);
    String id = submit(requester, "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");

    List<Callable<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int k = i % 4;
      calls.add(
          switch (k) {
            case 0 -> () -> review(as("bob"), id, "APPROVE", "ok " + UUID.randomUUID());
            case 1 -> () -> review(as("carol"), id, "DENY", "no");
            case 2 ->
                () ->
                    bearer(me, null, Set.of("engineers"), null)
                        .post("/api/v1/requests/" + id + "/cancel");
            default ->
                () ->
                    review(
                        bearer(fresh("approver"), null, Set.of("approvers"), null),
                        id,
                        "APPROVE",
                        "ok");
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(24);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Response>> futures = new ArrayList<>();
    for (Callable<Response> c : calls) {
      futures.add(
          pool.submit(
              () -> {
                go.await();
                return c.call();
              }));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<Response> f : futures) {
      statuses.add(f.get().statusCode());
    }
    pool.shutdown();

    Map<Integer, Long> byStatus =
        statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    assertThat(byStatus.keySet()).as(byStatus.toString()).isSubsetOf(200, 409);
    assertThat(byStatus.get(200)).as("exactly one call decided the request").isEqualTo(1L);

    String state = as("dana").get("/api/v1/requests/" + id).path("state");
    assertThat(state).isIn("APPROVED", "DENIED", "CANCELLED");
    long grants = count("select count(*) from access_grant where request_id = '" + id + "'");
    assertThat(grants).isEqualTo(state.equals("APPROVED") ? 1 : 0);

    List<String> types = new ArrayList<>();
    auditLog.read(
        1,
        Long.MAX_VALUE,
        r -> {
          if (id.equals(r.targets().get("request"))) types.add(r.type());
        });
    List<String> terminal =
        types.stream().filter(t -> t.matches("request\\.(approved|denied|cancelled)")).toList();
    assertThat(terminal).hasSize(1);
    assertThat(terminal.get(0)).isEqualTo("request." + state.toLowerCase());
    long reviews = count("select count(*) from request_review where request_id = '" + id + "'");
    assertThat(types.stream().filter(t -> t.equals("request.review_recorded")).count())
        .isEqualTo(reviews);
    assertThat(reviews).isLessThanOrEqualTo(1);
    assertThat(auditLog.verify().intact()).isTrue();
  }
}
