package import ConfigurationReading
import LedgerCore

extension RaftSettings {
    /// Reads `network.raft`; absent keys take the defaults. `organizations` (nil when they could
    /// not be read) are what an endorsement policy may name.
    package static func read(_ value: ConfigurationValue, organizations: [Organization]?) -> RaftSettings? {
        let keys = ["orderers", "batchSize", "batchTimeout", "electionTimeout", "heartbeatInterval", "flow", "endorsement"]
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
        let flow = mapping.read("flow", default: TransactionFlow.orderExecute) { value in
            value.choice(among: TransactionFlow.allCases.map(\.rawValue)).flatMap(TransactionFlow.init(rawValue:))
        }
        var endorsement: EndorsementSettings??
        switch flow {
        case .executeOrderValidate?:
            let settings = if let section = mapping.optional("endorsement") {
                EndorsementSettings.read(section, organizations: organizations)
            } else {
                EndorsementSettings.defaults(organizations)
            }
            endorsement = settings.map(Optional.some)
        default:
            if let section = mapping.optional("endorsement") {
                section.report("an endorsement section needs flow: execute-order-validate",
                               suggestion: "flow: execute-order-validate")
            }
            endorsement = .some(nil)
        }
        guard let orderers, let batchSize, let batchTimeout, let electionTimeout, let heartbeatInterval, let flow,
              let endorsement else {
            return nil
        }
        return RaftSettings(
            orderers: orderers, batchSize: batchSize, batchTimeout: batchTimeout,
            electionTimeout: electionTimeout, heartbeatInterval: heartbeatInterval, flow: flow, endorsement: endorsement
        )
    }
}

extension EndorsementSettings {
    /// Fabric's defaults: a majority of the organisations, endorsed by each one's first peer.
    /// Nil when the organisations could not be read (that is reported already).
    static func defaults(_ organizations: [Organization]?) -> EndorsementSettings? {
        guard let organizations,
              let policy = try? EndorsementPolicy.parse(defaultPolicyText, organizations: organizations.map(\.name))
        else { return nil }
        return EndorsementSettings(policy: policy)
    }

    /// Reads `network.raft.endorsement`: `policy` in Fabric's language and `targets`.
    package static func read(_ value: ConfigurationValue, organizations: [Organization]?) -> EndorsementSettings? {
        guard let mapping = value.mapping(allowedKeys: ["policy", "targets"]) else { return nil }
        let targets = mapping.read("targets", default: EndorsementTargets.first) { value in
            value.choice(among: EndorsementTargets.allCases.map(\.rawValue)).flatMap(EndorsementTargets.init(rawValue:))
        }
        let policy: EndorsementPolicy?
        if mapping.optional("policy") == nil {
            policy = defaults(organizations)?.policy
        } else {
            policy = mapping.read("policy") { value -> EndorsementPolicy? in readPolicy(value, organizations: organizations) }
        }
        guard let targets, let policy else { return nil }
        return EndorsementSettings(policy: policy, targets: targets)
    }

    private static func readPolicy(_ value: ConfigurationValue, organizations: [Organization]?) -> EndorsementPolicy? {
            guard let text = value.string() else { return nil }
            guard let organizations else { return nil }
            do {
                return try EndorsementPolicy.parse(text, organizations: organizations.map(\.name))
            } catch {
                value.report("endorsement policy \"\(text)\": \(error)")
                return nil
            }
    }
}
