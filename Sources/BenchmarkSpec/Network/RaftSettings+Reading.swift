extension RaftSettings {
    /// Reads `network.raft`; absent keys take the defaults.
    static func read(_ value: ConfigurationValue) -> RaftSettings? {
        let keys = ["orderers", "batchSize", "batchTimeout", "electionTimeout", "heartbeatInterval"]
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let defaults = RaftSettings()
        let orderers = mapping.read("orderers", default: defaults.orderers) { $0.integer(atLeast: 1, atMost: 9) }
        let batchSize = mapping.read("batchSize", default: defaults.batchSize, BatchSize.read)
        let batchTimeout = mapping.read("batchTimeout", default: defaults.batchTimeout) { $0.positiveDuration() }
        let electionTimeout = mapping.read("electionTimeout", default: defaults.electionTimeout) {
            $0.positiveDuration()
        }
        var heartbeatInterval = mapping.read("heartbeatInterval", default: defaults.heartbeatInterval) {
            $0.positiveDuration()
        }
        if let electionTimeout, let heartbeat = heartbeatInterval, heartbeat >= electionTimeout {
            let message = "heartbeatInterval (\(heartbeat.benchmarkText)) must be shorter than electionTimeout "
                + "(\(electionTimeout.benchmarkText))"
            (mapping.optional("heartbeatInterval") ?? mapping.value).report(message)
            heartbeatInterval = nil
        }
        guard let orderers, let batchSize, let batchTimeout, let electionTimeout, let heartbeatInterval else {
            return nil
        }
        return RaftSettings(
            orderers: orderers, batchSize: batchSize, batchTimeout: batchTimeout,
            electionTimeout: electionTimeout, heartbeatInterval: heartbeatInterval
        )
    }
}
