/**
 * The {@code portcullis} command line: a picocli program that talks only to the public REST API
 * over {@code java.net.http}, with Jackson for JSON. It never loads Quarkus, CDI or any other
 * Portcullis package (ArchitectureTest), and is packaged on its own into {@code
 * target/portcullis-cli.jar} ({@code make cli}); see {@code src/docs/cli.md}.
 */
package io.portcullis.cli;
