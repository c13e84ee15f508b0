import ConfigurationReading
/// How the driver samples the nodes' resources.
public struct MonitorSettings: Sendable, Hashable, Encodable {
    /// The time between two samples.
    public var interval: Duration

    /// Creates monitor settings.
    public init(interval: Duration = .seconds(1)) {
        self.interval = interval
    }
}
