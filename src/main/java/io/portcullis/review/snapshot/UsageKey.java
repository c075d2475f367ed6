package io.portcullis.review.snapshot;

/**
 * What a fold tallies usage by: an entitlement, the person, and how they were eligible. Its hash
 * scrambles its parts' hashes ({@link #mix}): the record's own ({@code 31 * h + h'}) collides for
 * names that differ in their last characters (user-0012 / user-0043 on ent-1 / ent-2), and a
 * million grants then hit tree bins.
 */
record UsageKey(String entitlement, String subject, String via) {

  @Override
  public int hashCode() {
    return mix(entitlement, subject, via);
  }

  /** The parts' hashes folded in order, each scrambled by a 32-bit MurmurHash3 round. */
  static int mix(String... parts) {
    int h = 0;
    for (String s : parts) {
      int k = (s == null ? 0 : s.hashCode()) * 0xcc9e2d51;
      k = Integer.rotateLeft(k, 15) * 0x1b873593;
      h ^= k;
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    return h;
  }
}
