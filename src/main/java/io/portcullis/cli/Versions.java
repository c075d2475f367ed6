package io.portcullis.cli;

import picocli.CommandLine;

/** The version from the jar's manifest (Implementation-Version), for --version and User-Agent. */
final class Versions implements CommandLine.IVersionProvider {

  static String version() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "portcullis " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
