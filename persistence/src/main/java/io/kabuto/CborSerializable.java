package io.kabuto;

/**
 * Marker for every message and event that crosses a node boundary or goes to a journal.
 * Bound to Pekko's jackson-cbor serializer in cluster-config/base.conf, so adding a new
 * message type needs no serializer registration.
 */
public interface CborSerializable {}
