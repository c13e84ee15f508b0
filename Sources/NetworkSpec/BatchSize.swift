import ConfigurationReading
/// Fabric's BatchSize: the limits that make the leader cut a block.
public struct BatchSize: Sendable, Hashable, Encodable {
    /// The most transactions in one block.
    public var maxMessageCount: Int
    /// The block size the leader aims for.
    public var preferredMaxBytes: Int
    /// The block size never exceeded.
    public var absoluteMaxBytes: Int

    /// Creates batch limits; the defaults are the file's defaults.
    public init(maxMessageCount: Int = 500, preferredMaxBytes: Int = 2 << 20, absoluteMaxBytes: Int = 10 << 20) {
        self.maxMessageCount = maxMessageCount
        self.preferredMaxBytes = preferredMaxBytes
        self.absoluteMaxBytes = absoluteMaxBytes
    }
}
