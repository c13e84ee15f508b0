import LedgerCore
import LedgerPrimitives
import Node
import Transport
import Federation
import Results
import Load

/// Reads back, from every live node, whether each transaction the driver reported committed is in
/// its stored chain exactly once (the lost-commit check).
enum CommitChecker {
    /// Asks every node in `nodes` how many times each acknowledged transaction is in its stored
    /// chain, in chunks a frame can carry.
    static func check(_ ids: [Hash256], truncated: Bool, on nodes: [NodeAddress], of federation: any BenchmarkFederation,
                      network: String?) async -> CommitCheck {
        var counts: [(node: String, counts: [Int]?, failure: String?)] = []
        for node in nodes {
            var nodeCounts: [Int] = []
            var failure: String?
            var answered = true
            for start in stride(from: 0, to: ids.count, by: NodeMessage.maximumCheckedTransactions) {
                let chunk = Array(ids[start..<min(ids.count, start + NodeMessage.maximumCheckedTransactions)])
                guard let answer = await federation.transactionCounts(of: chunk, on: node) else {
                    answered = false
                    break
                }
                if let reason = answer.failure {
                    failure = reason
                    break
                }
                nodeCounts += answer.counts
            }
            counts.append((node.name, answered ? nodeCounts : nil, failure))
        }
        return CommitCheck.evaluate(network: network, acknowledged: ids.map(\.hex), truncated: truncated, counts: counts)
    }

    /// The same check over every id in `log`, one chunk at a time, so that its memory does not
    /// grow with the run. A log that cannot be read back fails the check on every node.
    static func check(_ log: AcknowledgedLog, on nodes: [NodeAddress], of federation: any BenchmarkFederation,
                      network: String?) async -> CommitCheck {
        var merged = CommitCheck(network: network, acknowledged: 0, truncated: false, nodes: nodes.map(\.name), lost: 0,
                                 findings: [], failures: [])
        do {
            try await log.chunks(of: Self.idsPerChunk) { ids in
                merged = merged.merging(await check(ids, truncated: false, on: nodes, of: federation, network: network))
            }
        } catch {
            let failures = nodes.map { UncheckedNode(name: $0.name, network: network, reason: "\(error)") }
            merged = merged.merging(CommitCheck(network: network, acknowledged: 0, truncated: false, nodes: [], lost: 0,
                                                findings: [], failures: failures))
        }
        return merged
    }

    /// Ids read from the log at a time: one node request.
    static let idsPerChunk = NodeMessage.maximumCheckedTransactions

}
