package io.portcullis.catalog.model;

/** How dangerous an entitlement is; inherited risk may be raised, not lowered. */
public enum Risk {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL
}
