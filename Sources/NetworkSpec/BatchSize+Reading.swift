package import ConfigurationReading
extension BatchSize {
    /// Reads `network.raft.batchSize`; absent keys take the defaults.
    package static func read(_ value: ConfigurationValue) -> BatchSize? {
        guard let mapping = value.mapping(allowedKeys: ["maxMessageCount", "preferredMaxBytes", "absoluteMaxBytes"])
        else { return nil }
        let defaults = BatchSize()
        let maxMessageCount = mapping.read("maxMessageCount", default: defaults.maxMessageCount) {
            $0.integer(atLeast: 1)
        }
        let absoluteMaxBytes = mapping.read("absoluteMaxBytes", default: defaults.absoluteMaxBytes) { value in
            value.require(value.byteCount(), "greater than 0") { $0 > 0 }
        }
        var preferredMaxBytes = mapping.read("preferredMaxBytes", default: defaults.preferredMaxBytes) { value in
            value.require(value.byteCount(), "greater than 0") { $0 > 0 }
        }
        if let preferred = preferredMaxBytes, let absoluteMaxBytes, preferred > absoluteMaxBytes {
            let message = "preferredMaxBytes (\(ByteCount.text(bytes: preferred))) must not exceed absoluteMaxBytes "
                + "(\(ByteCount.text(bytes: absoluteMaxBytes)))"
            (mapping.optional("preferredMaxBytes") ?? mapping.value).report(message)
            preferredMaxBytes = nil
        }
        guard let maxMessageCount, let preferredMaxBytes, let absoluteMaxBytes else { return nil }
        return BatchSize(
            maxMessageCount: maxMessageCount, preferredMaxBytes: preferredMaxBytes, absoluteMaxBytes: absoluteMaxBytes
        )
    }
}
