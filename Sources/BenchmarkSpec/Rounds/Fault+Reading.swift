public import NetworkSpec
import ConfigurationReading
extension Fault {
    /// The keys a fault may have: its time, exactly one kind, and the kinds' options.
    static let keys = ["at"] + FaultAction.kinds + ["for", "latency"]

    /// Reads a round's `faults`: each within the round's `length` (which must be a duration), its
    /// targets among `network`'s nodes, its kind one `network`'s deployment can inject; a restart
    /// needs an earlier crash of the same target, and partitions (or pauses of one node) may not
    /// overlap.
    static func readAll(_ value: ConfigurationValue, length: RoundLength?, network: NetworkConfiguration?) -> [Fault]? {
        guard let elements = value.sequence() else { return nil }
        guard case .duration(let roundLength)? = length else {
            if length != nil {
                value.report("faults need a round with txDuration: each fault's time must fall within the round's length")
            }
            return nil
        }
        var faults: [(Fault, ConfigurationValue)] = []
        var failed = false
        for element in elements {
            guard let fault = read(element, roundLength: roundLength, network: network) else {
                failed = true
                continue
            }
            faults.append((fault, element))
        }
        guard !failed else { return nil }
        // Checks across faults, in time order.
        let ordered = faults.sorted { $0.0.at < $1.0.at }
        for (index, (fault, element)) in ordered.enumerated() {
            let earlier = ordered[..<index].map(\.0)
            switch fault.action {
            case .restart(let target):
                let crashes = earlier.filter { $0.action == .crash(target) }.count
                let restarts = earlier.filter { $0.action == .restart(target) }.count
                if crashes <= restarts {
                    element.report("restart of \(target) at \(fault.at.benchmarkText) with no crash of \(target) before it in this round")
                    failed = true
                }
            case .partition:
                if let overlapping = earlier.first(where: { if case .partition = $0.action { $0.end.map { $0 > fault.at } ?? false } else { false } }) {
                    element.report("this partition overlaps the one at \(overlapping.at.benchmarkText): one partition at a time")
                    failed = true
                }
            case .pause(let target), .slow(let target, _):
                if let overlapping = earlier.first(where: { $0.action.kind == fault.action.kind && $0.action.target == target
                                                            && ($0.end.map { $0 > fault.at } ?? false) }) {
                    element.report("this \(fault.action.kind) of \(target) overlaps the one at \(overlapping.at.benchmarkText)")
                    failed = true
                }
            case .crash(let target):
                let crashes = earlier.filter { $0.action == .crash(target) }.count
                let restarts = earlier.filter { $0.action == .restart(target) }.count
                if case .node = target, crashes > restarts {
                    element.report("\(target) is already crashed at \(fault.at.benchmarkText): restart it first")
                    failed = true
                }
            }
        }
        return failed ? nil : faults.map(\.0)
    }

    private static func read(_ value: ConfigurationValue, roundLength: Duration, network: NetworkConfiguration?) -> Fault? {
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let given = FaultAction.kinds.filter { mapping.optional($0) != nil }
        guard given.count == 1, let kind = given.first else {
            value.report(given.isEmpty ? "a fault needs one of \(FaultAction.kinds.joined(separator: ", "))"
                                       : "a fault is one of \(FaultAction.kinds.joined(separator: ", ")), found \(given.joined(separator: " and "))")
            return nil
        }
        let at = mapping.read("at") { value in
            value.require(value.duration(), "within the round's \(roundLength.benchmarkText)") { $0 < roundLength }
        }
        let lasting = ["pause", "partition", "slow"].contains(kind)
        let duration: Duration?? = if lasting {
            mapping.read("for") { $0.positiveDuration() }.map(Optional.some)
        } else if let stray = mapping.optional("for") {
            { stray.report("a \(kind) has no duration: leave out for"); return nil }()
        } else {
            .some(nil)
        }
        let latency: Duration?? = if kind == "slow" {
            mapping.read("latency") { $0.positiveDuration() }.map(Optional.some)
        } else if let stray = mapping.optional("latency") {
            { stray.report("only slow takes a latency"); return nil }()
        } else {
            .some(nil)
        }
        let kindValue = mapping.optional(kind)!
        let action: FaultAction?
        switch kind {
        case "partition": action = readPartition(kindValue, network: network).map(FaultAction.partition)
        default:
            if let target = readTarget(kindValue, network: network) {
                switch kind {
                case "crash": action = .crash(target)
                case "restart": action = .restart(target)
                case "pause": action = .pause(target)
                default: action = (latency ?? nil).map { FaultAction.slow(target, latency: $0) }
                }
            } else {
                action = nil
            }
        }
        guard let at, let duration, latency != nil, let action else { return nil }
        if let duration, at + duration > roundLength {
            mapping.optional("for")?.report("the fault would end at \((at + duration).benchmarkText), after the round's \(roundLength.benchmarkText)")
            return nil
        }
        if let network, let reason = unsupported(kind, by: network) {
            kindValue.report(reason)
            return nil
        }
        return Fault(at: at, action: action, duration: duration)
    }

    /// Why `network` cannot inject a fault of `kind`, if it cannot.
    static func unsupported(_ kind: String, by network: NetworkConfiguration) -> String? {
        switch (kind, network.deployment) {
        case ("restart", .inProcess):
            "restart needs deployment: processes (a node in the driver's process cannot start again)"
        case ("partition", .processes), ("slow", .processes):
            "\(kind) needs deployment: in-process (vernier cannot cut or slow the network between node processes yet)"
        case (_, .hosts):
            "\(kind) needs deployment: in-process or processes (vernier does not control nodes that something else started)"
        default:
            nil
        }
    }

    /// Reads a target: a node's name or a selector, checked against `network`.
    private static func readTarget(_ value: ConfigurationValue, network: NetworkConfiguration?) -> FaultTarget? {
        guard let text = value.string() else { return nil }
        let names = network?.nodeNames ?? []
        let selectors = ["orderer-leader", "orderer-follower"] + FaultTarget.roles
        if names.contains(text) { return .node(text) }
        let target: FaultTarget
        switch text {
        case "orderer-leader": target = .ordererLeader
        case "orderer-follower": target = .ordererFollower
        default:
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard FaultTarget.roles.contains(parts[0]), parts.count == 1 || Int(parts[1]) != nil else {
                value.report("unknown node \"\(text)\": expected a node of the network (\(names.joined(separator: ", "))) or a selector "
                             + "(orderer-leader, orderer-follower, peer, miner, store, orderer, or <role>:<n>)",
                             suggestion: Suggestion.closest(to: text, among: names + selectors))
                return nil
            }
            target = .role(parts[0], index: parts.count == 2 ? Int(parts[1])! : 0)
        }
        guard let network else { return target }
        let orderers = network.nodeNames.filter { $0.hasPrefix("orderer") }.count
        switch target {
        case .ordererLeader, .ordererFollower:
            guard case .raft = network.consensus else {
                value.report("\(text) needs consensus: raft")
                return nil
            }
            if target == .ordererFollower, orderers < 2 {
                value.report("orderer-follower needs at least 2 orderers; the network has \(orderers)")
                return nil
            }
        case .role(let role, let index):
            let count = network.nodeNames.filter { $0.hasPrefix(role) }.count
            guard index >= 0, index < count else {
                value.report(count == 0 ? "the network has no \(role)" : "\(text): the network has \(count) \(role)(s), numbered from 0")
                return nil
            }
        case .node:
            break
        }
        return target
    }

    /// Reads a partition: at least two groups of node names, each node in one group at most; the
    /// word `rest` stands for a group of every node not named.
    private static func readPartition(_ value: ConfigurationValue, network: NetworkConfiguration?) -> [[String]]? {
        guard let groups = value.sequence() else { return nil }
        guard groups.count >= 2 else {
            value.report("a partition needs at least two groups")
            return nil
        }
        let names = network?.nodeNames ?? []
        var seen: Set<String> = []
        var result: [[String]] = []
        var failed = false
        var rest = false
        for group in groups {
            if let word = group.node.string, group.node.scalar != nil {
                guard word == "rest", !rest else {
                    group.report(word == "rest" ? "rest may be given once" : "a group is a list of node names, or rest")
                    failed = true
                    continue
                }
                rest = true
                result.append(["rest"])
                continue
            }
            guard let members = group.sequence(), !members.isEmpty else {
                if group.sequence() != nil { group.report("a group needs at least one node") }
                failed = true
                continue
            }
            var names_: [String] = []
            for member in members {
                guard let name = member.string() else {
                    failed = true
                    continue
                }
                guard names.isEmpty || names.contains(name) else {
                    member.report("unknown node \"\(name)\": expected one of \(names.joined(separator: ", "))",
                                  suggestion: Suggestion.closest(to: name, among: names))
                    failed = true
                    continue
                }
                guard seen.insert(name).inserted else {
                    member.report("\(name) is in two groups")
                    failed = true
                    continue
                }
                names_.append(name)
            }
            result.append(names_)
        }
        return failed ? nil : result
    }
}

extension FaultAction {
    /// The node a single-node fault hits.
    public var target: FaultTarget? {
        switch self {
        case .crash(let target), .restart(let target), .pause(let target), .slow(let target, _): target
        case .partition: nil
        }
    }
}
