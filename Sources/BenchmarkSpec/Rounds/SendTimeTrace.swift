import ConfigurationReading
/// How a file lists transactions' send times, each since its round's start.
public enum SendTimeFormat: String, Sendable, Hashable, Encodable, CaseIterable {
    /// vernier's CSV: seconds (a decimal number) in the first column, an optional header line.
    case secondsCSV = "csv"
    /// Caliper's `TEXT`: whole milliseconds, one per line.
    case millisecondsText = "TEXT"
    /// Caliper's `BIN_BE`: a 32-bit big-endian count, then one 32-bit big-endian millisecond value each.
    case millisecondsBinaryBigEndian = "BIN_BE"
    /// Caliper's `BIN_LE`: as `BIN_BE`, little-endian.
    case millisecondsBinaryLittleEndian = "BIN_LE"

    /// Caliper's names for its formats (`inputFormat`, `outputFormat`).
    public static let caliperNames = [Self.millisecondsText, .millisecondsBinaryBigEndian, .millisecondsBinaryLittleEndian].map(\.rawValue)
}

/// A file of intended send times that `replay-rate` releases transactions at.
public struct ReplayTrace: Sendable, Hashable, Encodable {
    /// The file; a relative path is resolved against the benchmark file's directory.
    public var path: String
    public var format: SendTimeFormat
    /// Once the file's times run out, one more transaction after each such interval (Caliper's
    /// `defaultSleepTime`) until the round's length; nil ends the round with the file.
    public var intervalAfterTrace: Duration?

    public init(path: String, format: SendTimeFormat = .secondsCSV, intervalAfterTrace: Duration? = nil) {
        self.path = path
        self.format = format
        self.intervalAfterTrace = intervalAfterTrace
    }
}

/// Where `record-rate` writes the send time of each transaction of its round.
public struct RecordTrace: Sendable, Hashable, Encodable {
    /// The file; a relative path is resolved against the benchmark file's directory.
    public var path: String
    public var format: SendTimeFormat

    public init(path: String, format: SendTimeFormat = .millisecondsText) {
        self.path = path
        self.format = format
    }
}
