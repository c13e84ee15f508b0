extension NetworkConfiguration {
    /// The keys allowed in `network`.
    static let keys = ["consensus", "deployment", "organizations", "raft", "pow", "links", "storage"]

    /// Reads `network`; nil if anything was reported.
    static func read(_ value: ConfigurationValue) -> NetworkConfiguration? {
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let consensusName = mapping.read("consensus") { $0.choice(among: Consensus.names) }
        let deployment = mapping.read("deployment", default: Deployment.inProcess) { value in
            value.choice(among: Deployment.allCases.map(\.rawValue)).flatMap(Deployment.init(rawValue:))
        }
        let consensus: Consensus?
        let organizations: [Organization]?
        switch consensusName {
        case "raft":
            consensus = mapping.read("raft", default: RaftSettings(), RaftSettings.read).map(Consensus.raft)
            organizations = mapping.read("organizations", readOrganizations)
            rejectSection("pow", of: mapping, consensus: "raft")
        case "pow":
            consensus = mapping.read("pow", default: ProofOfWorkSettings(), ProofOfWorkSettings.read)
                .map(Consensus.proofOfWork)
            organizations = mapping.read("organizations", readOrganizations)
            rejectSection("raft", of: mapping, consensus: "pow")
        case "none":
            consensus = .singleStore
            organizations = mapping.read("organizations", default: [], readOrganizations)
            rejectSection("raft", of: mapping, consensus: "none")
            rejectSection("pow", of: mapping, consensus: "none")
        default:
            // The consensus is unknown or missing (already reported): still check what can be checked.
            consensus = nil
            organizations = mapping.read("organizations", default: [], readOrganizations)
            _ = mapping.read("raft", default: RaftSettings(), RaftSettings.read)
            _ = mapping.read("pow", default: ProofOfWorkSettings(), ProofOfWorkSettings.read)
        }
        let links = mapping.read("links", default: LinkSettings(), LinkSettings.read)
        let storage = mapping.read("storage", default: StorageSettings(), StorageSettings.read)
        guard let consensus, let deployment, let organizations, let links, let storage else { return nil }
        return NetworkConfiguration(
            consensus: consensus, deployment: deployment, organizations: organizations, links: links, storage: storage
        )
    }

    /// Reports a consensus section that does not belong to the chosen consensus.
    private static func rejectSection(_ section: String, of mapping: ConfigurationMapping, consensus: String) {
        guard let value = mapping.optional(section) else { return }
        value.report("a \(section) section is not allowed with consensus \(consensus)")
    }

    /// Reads `organizations`: at least one, unique names of `[a-z0-9-]`, 1 to 64 peers each.
    private static func readOrganizations(_ value: ConfigurationValue) -> [Organization]? {
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one organization is required")
            return nil
        }
        var seen: Set<String> = []
        var organizations: [Organization] = []
        var failed = false
        for element in elements {
            guard let mapping = element.mapping(allowedKeys: ["name", "peers"]) else {
                failed = true
                continue
            }
            let name = mapping.read("name") { value -> String? in
                guard let name = value.string() else { return nil }
                let valid = !name.isEmpty && name.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                }
                guard valid else {
                    value.report("invalid organization name \"\(name)\": use lowercase letters, digits and '-' only")
                    return nil
                }
                guard seen.insert(name).inserted else {
                    value.report("duplicate organization name \"\(name)\"")
                    return nil
                }
                return name
            }
            let peers = mapping.read("peers") { $0.integer(atLeast: 1, atMost: 64) }
            guard let name, let peers else {
                failed = true
                continue
            }
            organizations.append(Organization(name: name, peers: peers))
        }
        return failed ? nil : organizations
    }
}

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

extension BatchSize {
    /// Reads `network.raft.batchSize`; absent keys take the defaults.
    static func read(_ value: ConfigurationValue) -> BatchSize? {
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

extension ProofOfWorkSettings {
    /// Reads `network.pow`; absent keys take the defaults.
    static func read(_ value: ConfigurationValue) -> ProofOfWorkSettings? {
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

extension LinkSettings {
    /// Reads `network.links`; absent keys take the defaults.
    static func read(_ value: ConfigurationValue) -> LinkSettings? {
        guard let mapping = value.mapping(allowedKeys: ["latency", "jitter", "loss"]) else { return nil }
        let latency = mapping.read("latency", default: Duration.zero) { $0.duration() }
        let jitter = mapping.read("jitter", default: Duration.zero) { $0.duration() }
        let loss = mapping.read("loss", default: 0.0) { value in
            value.require(value.number(), "a probability, at least 0 and less than 1") { $0 >= 0 && $0 < 1 }
        }
        guard let latency, let jitter, let loss else { return nil }
        return LinkSettings(latency: latency, jitter: jitter, loss: loss)
    }
}

extension StorageSettings {
    /// Reads `network.storage`.
    static func read(_ value: ConfigurationValue) -> StorageSettings? {
        guard let mapping = value.mapping(allowedKeys: ["fsync"]) else { return nil }
        guard let fsync = mapping.read("fsync", default: true, { $0.bool() }) else { return nil }
        return StorageSettings(fsync: fsync)
    }
}
