package io.portcullis.provider.ssh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

/**
 * Writes an OpenSSH Key Revocation List (OpenSSH's {@code PROTOCOL.krl}, format version 1), the
 * file sshd reads through {@code RevokedKeys} and {@code ssh-keygen -Q} checks against:
 *
 * <pre>
 *   uint64 KRL_MAGIC ("SSHKRL\n\0")   uint32 KRL_FORMAT_VERSION (1)
 *   uint64 krl_version   uint64 generated_date   uint64 flags (0)
 *   string reserved ("")   string comment
 *   byte   KRL_SECTION_CERTIFICATES (1)
 *   string section:
 *       string ca_key (the CA's public key in wire form)   string reserved ("")
 *       byte   KRL_SECTION_CERT_SERIAL_LIST (0x20)
 *       string uint64 serial, …  (unsigned, ascending)
 * </pre>
 *
 * Serials are unsigned 64-bit numbers carried in Java {@code long}s. Serial 0 means "no serial" to
 * OpenSSH and cannot be revoked (a KRL listing it does not load), so it is never written. With no
 * serials the KRL has no certificate section: a valid, empty list.
 */
final class Krl {

  static final byte[] MAGIC = "SSHKRL\n\0".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  static final int SECTION_CERTIFICATES = 1;
  static final int CERT_SERIAL_LIST = 0x20;

  private Krl() {}

  /**
   * Encodes a KRL revoking certificates of one CA by serial.
   *
   * @param version increases whenever the list gains an entry
   * @param generated when this KRL was generated (whole seconds are written)
   * @param comment free text, may be empty
   * @param caBlob the CA's public key in SSH wire form
   * @param serials the revoked serials, in any order, duplicates allowed; 0 is skipped
   */
  static byte[] encode(
      long version, Instant generated, String comment, byte[] caBlob, Collection<Long> serials) {
    Objects.requireNonNull(caBlob, "caBlob");
    long[] sorted =
        serials.stream()
            .mapToLong(Long::longValue)
            .filter(s -> s != 0)
            .boxed()
            .sorted(Long::compareUnsigned)
            .distinct()
            .mapToLong(Long::longValue)
            .toArray();
    Out out = new Out();
    out.bytes(MAGIC);
    out.uint32(FORMAT_VERSION);
    out.uint64(version);
    out.uint64(Math.max(0, generated.getEpochSecond()));
    out.uint64(0); // flags: none defined
    out.string(new byte[0]); // reserved
    out.string((comment == null ? "" : comment).getBytes(StandardCharsets.UTF_8));
    if (sorted.length > 0) {
      ByteBuffer list = ByteBuffer.allocate(sorted.length * Long.BYTES);
      for (long s : sorted) {
        list.putLong(s);
      }
      Out section = new Out();
      section.string(caBlob);
      section.string(new byte[0]); // reserved
      section.uint8(CERT_SERIAL_LIST);
      section.string(list.array());
      out.uint8(SECTION_CERTIFICATES);
      out.string(section.toByteArray());
    }
    return out.toByteArray();
  }

  /** SSH wire encoding (RFC 4251 §5): big-endian integers, length-prefixed strings. */
  private static final class Out extends ByteArrayOutputStream {
    void bytes(byte[] b) {
      write(b, 0, b.length);
    }

    void uint8(int v) {
      write(v);
    }

    void uint32(int v) {
      bytes(ByteBuffer.allocate(Integer.BYTES).putInt(v).array());
    }

    void uint64(long v) {
      bytes(ByteBuffer.allocate(Long.BYTES).putLong(v).array());
    }

    void string(byte[] b) {
      uint32(b.length);
      bytes(b);
    }
  }
}
