# Portcullis - run `make` or `make help` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN      ?= mvn
MVNFLAGS ?= -B --no-transfer-progress
JAVA     ?= java
APP_JAR  := target/quarkus-app/quarkus-run.jar
# the packaged classes for the offline tools (no Quarkus boot): the app, its libraries, jboss-logging
APP_CP   := target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*
SOURCES  := pom.xml $(shell find src/main -type f -not -path 'src/main/docker/*' 2>/dev/null)
DATA_DIR ?= data
PORT     ?= 8080
MANAGEMENT_PORT ?= 9000
FAULT_ITERATIONS ?= 200
SOAK_FAULT_ITERATIONS ?= 1000
# make upgrade-test: the previous release, a git tag
UPGRADE_FROM ?= v0.1.0-alpha.1
SOAK_SECONDS ?= 600
SOAK_OUTAGE_SECONDS ?= 300
FUTURE_DAYS ?= 365
# make test-future's Maven goal: the test phase (compiles first); make test, having built
# everything already, runs surefire:test alone (the integration tests read target/ meanwhile)
FUTURE_GOAL ?= test
FUTURE_TESTS ?=
# make test-shuffled: the seed of the random class order (empty: a fresh one, printed) and,
# optionally, the test classes to run that way (surefire -Dtest syntax). Surefire shuffles its list,
# but Quarkus's class orderer re-sorts it (classes of one test profile together, so that the
# application starts once per profile, by class name), so the seed also goes to that orderer's
# secondary orderer: profiles, and the classes within each, then run in a random order.
SEED     ?=
SHUFFLED_TESTS ?=
comma    := ,
# The classes marked @TimeSensitive, named to surefire so that it loads no other test class (a
# @QuarkusTest class builds its application as soon as JUnit loads it, tag or no tag).
TIME_SENSITIVE = $(shell grep -rl --include=*.java '^@TimeSensitive' src/test/java \
  | xargs -n1 basename -s .java | sort | paste -sd, -)
BENCH    ?=
BENCH_OPTS ?=
# make run-keycloak: a real Keycloak (target/keycloak, unpacked by the build) with the test realm
KEYCLOAK_PORT ?= 8180
KEYCLOAK_MANAGEMENT_PORT ?= 9180
KEYCLOAK_REALM := src/test/resources/keycloak/portcullis-realm.json
KEYCLOAK_ISSUER = http://localhost:$(KEYCLOAK_PORT)/realms/portcullis

.PHONY: help
help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "; printf "Portcullis - make targets:\n\n"} \
	  /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: PORT=$(PORT) MANAGEMENT_PORT=$(MANAGEMENT_PORT) (metrics, OpenAPI) DATA_DIR=$(DATA_DIR) (e.g. make run PORT=9090)"

$(APP_JAR): $(SOURCES)
	@bin/build-progress $(MVN) -B -DskipTests -Dspotless.check.skip=true package
	@touch $(APP_JAR)

.PHONY: run
run: $(APP_JAR) ## Start Portcullis on the embedded PostgreSQL with demo users at http://localhost:8080
	$(JAVA) -Dquarkus.profile=demo -Dportcullis.data-dir=$(DATA_DIR) -Dquarkus.http.port=$(PORT) \
	  -Dportcullis.review.demo-history=true \
	  -Dquarkus.management.port=$(MANAGEMENT_PORT) \
	  -jar $(APP_JAR)

.PHONY: run-keycloak
run-keycloak: $(APP_JAR) ## Start Keycloak (KEYCLOAK_PORT=8180, the demo people) and Portcullis signing in through it at http://localhost:8080
	@$(MVN) $(MVNFLAGS) -q dependency:unpack@unpack-keycloak
	@kc="$$(ls -d target/keycloak/keycloak-*/ | head -1)"; \
	  mkdir -p "$$kc/data/import" && cp $(KEYCLOAK_REALM) "$$kc/data/import/portcullis-realm.json"; \
	  echo "Starting Keycloak at http://localhost:$(KEYCLOAK_PORT) (log: target/keycloak-run.log; about a minute)"; \
	  KC_BOOTSTRAP_ADMIN_USERNAME=kcadmin KC_BOOTSTRAP_ADMIN_PASSWORD=kcadmin \
	  JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" JAVA_OPTS_APPEND="-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=128m" "$$kc/bin/kc.sh" start-dev --http-port=$(KEYCLOAK_PORT) \
	    --http-management-port=$(KEYCLOAK_MANAGEMENT_PORT) --import-realm --db=dev-mem \
	    > target/keycloak-run.log 2>&1 & kcpid=$$!; \
	  trap 'kill $$kcpid 2> /dev/null; wait $$kcpid 2> /dev/null' EXIT INT TERM; \
	  for i in $$(seq 1 300); do \
	    curl -fs -o /dev/null $(KEYCLOAK_ISSUER)/.well-known/openid-configuration && break; \
	    kill -0 $$kcpid 2> /dev/null || { tail -30 target/keycloak-run.log; exit 1; }; sleep 1; \
	  done; \
	  echo; echo "Keycloak is ready: $(KEYCLOAK_ISSUER) (admin console: /admin as kcadmin/kcadmin; in memory, the realm is imported afresh at each start)"; \
	  echo "Sign in at http://localhost:$(PORT) as alice/alice (engineer), bob/bob, carol/carol (approvers), dana/dana (auditor), admin/admin."; \
	  echo "carol also needs a one-time code: TOTP secret (Base32) OBXXE5DDOVWGY2LTFVRWC4TPNQWW65DQ in any authenticator app, or oathtool --totp -b OBXXE5DDOVWGY2LTFVRWC4TPNQWW65DQ"; \
	  echo; \
	  $(JAVA) -Dquarkus.profile=demo -Dportcullis.data-dir=$(DATA_DIR) -Dquarkus.http.port=$(PORT) \
	    -Dquarkus.management.port=$(MANAGEMENT_PORT) -Dportcullis.review.demo-history=true \
	    -D%demo.portcullis.demo.enabled=false \
	    -D%demo.quarkus.oidc.tenant-enabled=true -D%demo.quarkus.oidc.web.tenant-enabled=true \
	    -Dquarkus.oidc.auth-server-url=$(KEYCLOAK_ISSUER) -Dquarkus.oidc.client-id=portcullis \
	    -Dquarkus.oidc.token.audience=portcullis-api \
	    -Dquarkus.oidc.web.credentials.secret=portcullis-test-secret \
	    -jar $(APP_JAR)

CLI_JAR  := target/portcullis-cli.jar
CLI_SOURCES := pom.xml $(shell find src/main/java/io/portcullis/cli -type f 2>/dev/null) bin/portcullis

.PHONY: cli
cli: target/portcullis ## Build the command line: target/portcullis-cli.jar and its launcher target/portcullis (see src/docs/cli.md)

# Compiles and packages without the Quarkus build (-Dquarkus.build.skip): only the shaded CLI jar is
# wanted. Then the launcher beside it, and a class-data archive (CDS) that makes it start faster.
$(CLI_JAR): $(CLI_SOURCES)
	$(MVN) $(MVNFLAGS) -q -DskipTests -Dspotless.check.skip=true -Dquarkus.build.skip=true package
	@touch $(CLI_JAR)

target/portcullis: $(CLI_JAR) bin/portcullis
	@rm -f target/portcullis-cli.jsa
	@$(JAVA) -XX:ArchiveClassesAtExit=target/portcullis-cli.jsa -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
	  -Xlog:cds=off -Xlog:cds+dynamic=off -jar $(CLI_JAR) --help > /dev/null 2>&1 || rm -f target/portcullis-cli.jsa
	install -m 0755 bin/portcullis target/portcullis
	@echo "Built target/portcullis (with target/portcullis-cli.jar): try target/portcullis --help;"\
	  "copy both to a directory on your PATH, e.g. install -m 0755 target/portcullis target/portcullis-cli.jar ~/.local/bin/"

.PHONY: test
test: ## Run the whole suite: format check, unit tests, @QuarkusTests and packaged-jar ITs on a real PostgreSQL, then the time-sensitive tests a year ahead
	@bash .ci/tools
	$(MVN) $(MVNFLAGS) spotless:check package -DskipTests
	@# -DskipTests also skips unpacking Keycloak and fetching axe-core for the browser tests
	$(MVN) $(MVNFLAGS) -q dependency:unpack@unpack-keycloak antrun:run@fetch-axe-core
	@MVN="$(MVN)" MVNFLAGS="$(MVNFLAGS)" bash .ci/test-suites

.PHONY: test-shuffled
test-shuffled: ## Run the unit tests and @QuarkusTests in a random class order (seed printed; SEED=n replays it, SHUFFLED_TESTS=A,B for some)
	@bash .ci/tools
	@seed="$(SEED)"; seed="$${seed:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"; \
	  echo "test-shuffled: random class order, seed $$seed"; \
	  $(MVN) $(MVNFLAGS) test -Dspotless.check.skip=true \
	    -Dsurefire.runOrder=random -Dsurefire.runOrder.random.seed=$$seed \
	    '-Djunit.quarkus.orderer.secondary-orderer=org.junit.jupiter.api.ClassOrderer$$Random' \
	    -Djunit.jupiter.execution.order.random.seed=$$seed \
	    $(if $(SHUFFLED_TESTS),-Dtest='$(SHUFFLED_TESTS)' -Dsurefire.failIfNoSpecifiedTests=false); \
	  rc=$$?; echo "test-shuffled: seed $$seed (replay: make test-shuffled SEED=$$seed$(if $(SHUFFLED_TESTS), SHUFFLED_TESTS='$(SHUFFLED_TESTS)'))"; \
	  exit $$rc

.PHONY: test-future
test-future: ## Run the time-sensitive tests (@TimeSensitive; FUTURE_TESTS=A,B for others) with the clock FUTURE_DAYS (365) days ahead
	@lib="$$(.ci/libfaketime)" && \
	  $(MVN) $(MVNFLAGS) $(FUTURE_GOAL) -Dspotless.check.skip=true -Pfuture -Dfaketime.lib="$$lib" \
	  -Dfaketime.days=$(FUTURE_DAYS) \
	  -Dtest='$(if $(FUTURE_TESTS),FutureClockTest$(comma)$(FUTURE_TESTS),$(TIME_SENSITIVE))' \
	  $(if $(FUTURE_TESTS),-Dfuture.groups=)

.PHONY: fault-test
fault-test: ## Kill -9 the grant engine at its fault points FAULT_ITERATIONS times (200) and check nothing is lost or doubled
	$(MVN) $(MVNFLAGS) verify -DskipITs=false -DskipUTs=true -Dspotless.check.skip=true \
	  -Dit.test=GrantCrashIT -Dfault.iterations=$(FAULT_ITERATIONS)

.PHONY: upgrade-test
upgrade-test: ## Build the previous release (git tag UPGRADE_FROM) into target/upgrade/, let it make a database, then upgrade that with this build and check it (UpgradeIT)
	@git rev-parse -q --verify "$(UPGRADE_FROM)^{commit}" > /dev/null || { echo "upgrade-test: no git tag or commit '$(UPGRADE_FROM)' here (git fetch --tags, or UPGRADE_FROM=<tag>)"; exit 2; }
	@old=target/upgrade/$(UPGRADE_FROM); \
	if [ ! -f $$old/target/quarkus-app/quarkus-run.jar ]; then \
	  echo "Building $(UPGRADE_FROM) in $$old (once) ..."; rm -rf $$old; mkdir -p target/upgrade; \
	  git worktree add -f --detach $$old $(UPGRADE_FROM) > /dev/null && \
	  (cd $$old && $(MVN) $(MVNFLAGS) -q -DskipTests -Dspotless.check.skip=true package) || exit 1; \
	fi
	$(MVN) $(MVNFLAGS) verify -DskipITs=false -DskipUTs=true -Dspotless.check.skip=true \
	  -Dit.test=UpgradeIT -Dupgrade.old-app=$(CURDIR)/target/upgrade/$(UPGRADE_FROM)/target/quarkus-app/quarkus-run.jar

.PHONY: soak
soak: ## Outside make test: kill -9 at the fault points SOAK_FAULT_ITERATIONS times (1000), 3 replicas killed at random for SOAK_SECONDS (600), PostgreSQL down 30 s and SOAK_OUTAGE_SECONDS (300), a hanging provider; prints a table
	@mkdir -p target
	$(MVN) $(MVNFLAGS) verify -DskipITs=false -DskipUTs=true -Dspotless.check.skip=true \
	  -Dit.test=GrantCrashIT,ReplicaKillIT,DatabaseOutageIT -Dsoak=true \
	  -Dfault.iterations=$(SOAK_FAULT_ITERATIONS) -Dsoak.seconds=$(SOAK_SECONDS) \
	  -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | tee target/soak-run.log; \
	  rc=$${PIPESTATUS[0]}; \
	$(MVN) $(MVNFLAGS) failsafe:integration-test failsafe:verify -DskipITs=false \
	  -Dit.test=DatabaseOutageIT -Doutage.seconds=$(SOAK_OUTAGE_SECONDS) 2>&1 | tee -a target/soak-run.log; \
	  rc2=$${PIPESTATUS[0]}; \
	$(MVN) $(MVNFLAGS) surefire:test -Dtest=GrantLanesTest 2>&1 | tee -a target/soak-run.log; \
	  rc3=$${PIPESTATUS[0]}; \
	echo; echo "Soak (target/soak-run.log):"; \
	{ echo "scenario | measured | promise | result"; \
	  grep -ho 'SOAK-ROW | .*' target/soak-run.log | sed 's/^SOAK-ROW | //'; } | column -t -s '|'; \
	echo "exit codes: soak ITs $$rc, long outage $$rc2, hanging provider $$rc3"; \
	test $$rc -eq 0 -a $$rc2 -eq 0 -a $$rc3 -eq 0

.PHONY: test-live
test-live: ## Run the provider contract suites against real Vault / AWS / PostgreSQL when configured (see src/docs/providers.md); skips each with a message otherwise
	$(MVN) $(MVNFLAGS) verify -DskipITs=false -DskipUTs=true -Dspotless.check.skip=true -Dit.test='*LiveIT'

.PHONY: policy-test
policy-test: $(APP_JAR) ## Load policies/ and run the policy tests in policies/tests, printing a pass/fail table
	$(JAVA) -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(APP_CP)" \
	  io.portcullis.catalog.policytest.PolicyTestMain policies policies/tests

.PHONY: verify-export
verify-export: $(APP_JAR) ## Verify an audit export offline: make verify-export EXPORT=export.jsonl KEY=key.pub [KEYS="old.pub ..."] [ALLOW_UNSIGNED_TAIL=1]; exit 0 intact and signed, 1 tampered, 2 usage/IO, 3 unsigned events
	@test -n "$(EXPORT)" || { echo "usage: make verify-export EXPORT=export.jsonl KEY=key.pub (GET /api/v1/audit/export and /api/v1/audit/public-keys)"; exit 2; }
	@test -n "$(KEY)" || { echo "usage: make verify-export EXPORT=export.jsonl KEY=key.pub (the signer's public key: GET /api/v1/audit/public-keys)"; exit 2; }
	@$(JAVA) -Xmx64m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(APP_CP)" \
	  io.portcullis.audit.verify.VerifyMain verify $(EXPORT) --public-key $(KEY) $(foreach k,$(KEYS),--public-key $(k)) \
	  $(if $(filter 1 true yes,$(ALLOW_UNSIGNED_TAIL)),--allow-unsigned-tail); \
	  rc=$$?; [ $$rc -eq 0 ] || echo "verifier exit code $$rc (1 tampered, 2 usage or I/O error, 3 events no signed checkpoint covers; make itself exits 2, java ... VerifyMain exits with the code)"; exit $$rc

.PHONY: verify-pack
verify-pack: $(APP_JAR) ## Verify an evidence pack offline: make verify-pack PACK=pack.zip KEY=audit.pub [KEYS="old.pub ..."] [JSON=1]; exit 0 intact, 1 not intact, 2 usage/IO
	@test -n "$(PACK)" || { echo "usage: make verify-pack PACK=pack.zip KEY=audit.pub (the pack: GET /api/v1/reviews/campaigns/{id}/evidence-pack)"; exit 2; }
	@test -n "$(KEY)" || { echo "usage: make verify-pack PACK=pack.zip KEY=audit.pub (the service's audit public key: GET /api/v1/audit/public-keys, not one from inside the pack)"; exit 2; }
	@$(JAVA) -Xmx64m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(APP_CP)" \
	  io.portcullis.review.evidence.verify.VerifyPackMain $(PACK) --public-key $(KEY) $(foreach k,$(KEYS),--public-key $(k)) \
	  $(if $(filter 1 true yes,$(JSON)),--json); \
	  rc=$$?; [ $$rc -eq 0 ] || echo "verifier exit code $$rc (1 not intact, 2 usage or I/O error; make itself exits 2, java ... VerifyPackMain exits with the code)"; exit $$rc

.PHONY: fmt
fmt: ## Format the Java sources (google-java-format through Spotless)
	$(MVN) $(MVNFLAGS) spotless:apply

.PHONY: lint
lint: ## Check formatting and compile with warnings
	$(MVN) $(MVNFLAGS) spotless:check compile

.PHONY: package
package: ## Build the runnable application into target/quarkus-app (no tests)
	$(MVN) $(MVNFLAGS) -DskipTests package

IMAGE_ARCHIVE := target/portcullis-image.tar

.PHONY: image
image: $(APP_JAR) ## Build the container image (non-root, read-only root filesystem) into target/portcullis-image.tar with podman, no registry needed
	@bash .ci/image

.PHONY: image-test
image-test: image ## Load target/portcullis-image.tar into podman and run it read-only as user 185, demo and prod profiles (ImageIT, about 3 minutes)
	$(MVN) $(MVNFLAGS) -Dspotless.check.skip=true test-compile failsafe:integration-test failsafe:verify \
	  -DskipITs=false -Dit.test=ImageIT -Dimage.archive=$(IMAGE_ARCHIVE) \
	  -Dimage.run-options="$$(.ci/podman-run-options)"

.PHONY: bench
bench: $(APP_JAR) ## Run the benchmarks (policy, requests, flows, grants, audit, reviews, notify; BENCH=audit for one group, BENCH_OPTS=-D...) and print their table
	$(MVN) $(MVNFLAGS) -q -Dspotless.check.skip=true test-compile dependency:build-classpath \
	  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
	$(JAVA) -Xms1g -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager $(if $(BENCH),-Dbench=$(BENCH)) $(BENCH_OPTS) \
	  -cp "target/test-classes:target/classes:$$(cat target/bench.classpath)" io.portcullis.bench.BenchMain

.PHONY: clean
clean: ## Remove build output (keeps the demo data)
	$(MVN) $(MVNFLAGS) -q clean

.PHONY: clean-data
clean-data: ## Delete the demo database (the next make run starts afresh)
	rm -rf $(DATA_DIR)
