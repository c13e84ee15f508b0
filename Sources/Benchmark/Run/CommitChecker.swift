import LedgerCore
import LedgerPrimitives
import Node
import Transport
import Federation
import Results

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

}
