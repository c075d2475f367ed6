#!/bin/sh
# Starts Portcullis in the container image (src/main/docker/Dockerfile): the JVM options of
# JAVA_OPTS, then those of JAVA_OPTS_APPEND (the Helm chart's javaOpts), then the arguments.
set -eu
# shellcheck disable=SC2086 # the options are word-split on purpose
exec java ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar /deployments/quarkus-run.jar "$@"
