/// The end-of-repetition check that no acknowledged commit was lost: every transaction the driver
/// reported committed must be in every live node's stored chain exactly once.
public struct CommitCheck: Sendable, Hashable, Codable {
    /// The named network, when the file names several.
    public var network: String?
    /// How many acknowledged transactions were checked.
    public var acknowledged: Int
    /// More transactions were acknowledged than the driver kept ids of; the first were checked.
    public var truncated: Bool
    /// The nodes whose chains were read.
    public var nodes: [String]
    /// Acknowledged transactions missing from, or more than once in, some node's chain: 0 when all is well.
    public var lost: Int
    /// Each node where some were missing or repeated.
    public var findings: [CommitCheckFinding]
    /// Nodes that could not be asked, and why.
    public var failures: [UncheckedNode]

    public init(network: String?, acknowledged: Int, truncated: Bool, nodes: [String], lost: Int,
                findings: [CommitCheckFinding], failures: [UncheckedNode]) {
        self.network = network
        self.acknowledged = acknowledged
        self.truncated = truncated
        self.nodes = nodes
        self.lost = lost
        self.findings = findings
        self.failures = failures
    }

    /// Whether every acknowledged transaction is on every node asked exactly once, and every node answered.
    public var passed: Bool { lost == 0 && failures.isEmpty }

    /// Compares each node's counts (one per id of `acknowledged`, or a failure) with "exactly once".
    public static func evaluate(network: String?, acknowledged ids: [String], truncated: Bool,
                                counts: [(node: String, counts: [Int]?, failure: String?)]) -> CommitCheck {
        var lostIds: Set<Int> = []
        var findings: [CommitCheckFinding] = []
        var failures: [UncheckedNode] = []
        var nodes: [String] = []
        for (node, nodeCounts, failure) in counts {
            guard let nodeCounts, nodeCounts.count == ids.count, failure == nil else {
                failures.append(UncheckedNode(name: node, network: network, reason: failure
                    ?? (nodeCounts == nil ? "it did not answer the commit check" : "it answered \(nodeCounts!.count) counts for \(ids.count) ids")))
                continue
            }
            nodes.append(node)
            let missing = nodeCounts.indices.filter { nodeCounts[$0] == 0 }
            let repeated = nodeCounts.indices.filter { nodeCounts[$0] > 1 }
            guard !missing.isEmpty || !repeated.isEmpty else { continue }
            lostIds.formUnion(missing)
            lostIds.formUnion(repeated)
            findings.append(CommitCheckFinding(node: node, missing: missing.count, repeated: repeated.count,
                                               examples: (missing + repeated).prefix(5).map { ids[$0] }))
        }
        return CommitCheck(network: network, acknowledged: ids.count, truncated: truncated, nodes: nodes, lost: lostIds.count,
                           findings: findings, failures: failures)
    }

    /// The check of two disjoint sets of acknowledged transactions (consecutive chunks of one
    /// log) as one: counts add up, a node's findings merge, and a node that failed either part
    /// is a failure, not a checked node.
    public func merging(_ other: CommitCheck) -> CommitCheck {
        var findings = self.findings
        for finding in other.findings {
            if let index = findings.firstIndex(where: { $0.node == finding.node }) {
                findings[index].missing += finding.missing
                findings[index].repeated += finding.repeated
                findings[index].examples = Array((findings[index].examples + finding.examples).prefix(5))
            } else {
                findings.append(finding)
            }
        }
        var failures = self.failures
        for failure in other.failures where !failures.contains(where: { $0.name == failure.name }) { failures.append(failure) }
        let failed = Set(failures.map(\.name))
        var nodes = self.nodes.filter { !failed.contains($0) }
        for node in other.nodes where !failed.contains(node) && !nodes.contains(node) { nodes.append(node) }
        return CommitCheck(network: network, acknowledged: acknowledged + other.acknowledged, truncated: truncated || other.truncated,
                           nodes: nodes, lost: lost + other.lost, findings: findings, failures: failures)
    }

    /// One line for the terminal.
    public var line: String {
        let prefix = network.map { "\($0): " } ?? ""
        let scope = truncated ? "the first \(acknowledged) acknowledged transactions" : "all \(acknowledged) acknowledged transactions"
        var text = passed
            ? "commit check: \(prefix)\(scope) exactly once on each of \(nodes.count) nodes"
            : "LOST COMMITS: \(prefix)\(lost) of \(acknowledged) acknowledged transactions not exactly once on every node"
        for finding in findings {
            text += "; \(finding.node): \(finding.missing) missing, \(finding.repeated) repeated (e.g. "
                + finding.examples.map { String($0.prefix(16)) }.joined(separator: ", ") + ")"
        }
        for failure in failures { text += "; could not check \(failure.name): \(failure.reason)" }
        return "  " + text
    }
}

/// A node whose chain lacks acknowledged transactions or holds some more than once.
public struct CommitCheckFinding: Sendable, Hashable, Codable {
    public var node: String
    public var missing: Int
    public var repeated: Int
    /// Up to five of the ids, in hexadecimal.
    public var examples: [String]

    public init(node: String, missing: Int, repeated: Int, examples: [String]) {
        self.node = node
        self.missing = missing
        self.repeated = repeated
        self.examples = examples
    }
}
