import ConfigurationReading
extension LinkConfiguration {
    /// Reads `network.links`; absent keys take the defaults.
    static func read(_ value: ConfigurationValue) -> LinkConfiguration? {
        guard let mapping = value.mapping(allowedKeys: ["latency", "jitter", "loss"]) else { return nil }
        let latency = mapping.read("latency", default: Duration.zero) { $0.duration() }
        let jitter = mapping.read("jitter", default: Duration.zero) { $0.duration() }
        let loss = mapping.read("loss", default: 0.0) { value in
            value.require(value.number(), "a probability, at least 0 and less than 1") { $0 >= 0 && $0 < 1 }
        }
        guard let latency, let jitter, let loss else { return nil }
        return LinkConfiguration(latency: latency, jitter: jitter, loss: loss)
    }
}
