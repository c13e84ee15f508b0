/// Moving frames between nodes. (Filled by the transport work.)
public enum TransportModule {}
