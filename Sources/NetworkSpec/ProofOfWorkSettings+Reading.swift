package import ConfigurationReading
extension ProofOfWorkSettings {
    /// Reads `network.pow`; absent keys take the defaults.
    package static func read(_ value: ConfigurationValue) -> ProofOfWorkSettings? {
        let keys = ["miners", "targetBlockInterval", "confirmations", "maxBlockTransactions"]
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let defaults = ProofOfWorkSettings()
        let miners = mapping.read("miners", default: defaults.miners) { $0.integer(atLeast: 1) }
        let targetBlockInterval = mapping.read("targetBlockInterval", default: defaults.targetBlockInterval) {
            $0.positiveDuration()
        }
        let confirmations = mapping.read("confirmations", default: defaults.confirmations) { $0.integer(atLeast: 1) }
        let maxBlockTransactions = mapping.read("maxBlockTransactions", default: defaults.maxBlockTransactions) {
            $0.integer(atLeast: 1)
        }
        guard let miners, let targetBlockInterval, let confirmations, let maxBlockTransactions else { return nil }
        return ProofOfWorkSettings(
            miners: miners, targetBlockInterval: targetBlockInterval,
            confirmations: confirmations, maxBlockTransactions: maxBlockTransactions
        )
    }
}
