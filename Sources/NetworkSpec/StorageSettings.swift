import ConfigurationReading
/// How nodes persist what they commit.
public struct StorageSettings: Sendable, Hashable, Encodable {
    /// Whether writes are flushed to the device; false only for experiments.
    public var fsync: Bool

    /// Creates storage settings.
    public init(fsync: Bool = true) {
        self.fsync = fsync
    }
}
