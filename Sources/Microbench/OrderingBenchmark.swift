import Foundation
public import LedgerCore
public import LedgerPrimitives
import Node
import Consensus
import Transport
import Federation
public import NodeCore
/// Measures an in-process Raft federation's sustained commit rate and submit-to-commit latency,
/// in either flow.
///
/// Every transaction (every proposal, in execute-order-validate) is signed before the clock
/// starts, so signing does not compete with the nodes for the CPU; an execute-order-validate
/// client still signs each envelope during the run, as a Fabric client does. `accounts` accounts each keep one transaction in flight (nonce window 1)
/// until all are committed. The rate is measured between 10% and 90% of the commits, so start-up
/// and the drain at the end are left out.
public struct OrderingBenchmark: Sendable {
    public var orderers = 1
    public var organizations = 2
    public var peersPerOrganization = 2
    public var accounts = 2_000
    public var transactionsPerAccount = 20
    public var batch = BatchOptions()
    public var fsync = true
    public var flow = TransactionFlow.orderExecute
    /// The endorsement policy in execute-order-validate, in Fabric's language.
    public var policy = "MAJORITY"
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// What a benchmark run measured.
    public struct Result: Sendable {
        public var transactions: Int
        public var failed: Int
        public var seconds: Double
        public var steadyTransactionsPerSecond: Double
        /// Submit-to-commit latency percentiles (p50, p90, p99, p99.9, max), in milliseconds.
        public var latencyMilliseconds: [(label: String, value: Double)]
        public var chainHeight: UInt64
        public var peersAgree: Bool
        /// Signature verifications the federation does per transaction, summed over its nodes.
        public var verificationsPerTransaction: Int
        /// Commit failures by class (for example MVCC conflicts), if any.
        public var failures: [String: Int]
    }

    /// Signature verifications per transaction, summed over the nodes: order-execute, one per
    /// peer; execute-order-validate, the envelope and each endorsement on every peer, the
    /// proposal on each endorser, and the envelope on the orderer.
    public static func verificationsPerTransaction(flow: TransactionFlow, peers: Int, endorsements: Int) -> Int {
        switch flow {
        case .orderExecute: peers
        case .executeOrderValidate: peers * (1 + endorsements) + endorsements + 1
        }
    }

    public func run() async throws -> Result {
        let regulator = SigningAccount.deterministic(seed: 4242, index: 0)
        let genesis = GenesisConfiguration(chainId: "ordering-benchmark", regulator: regulator.address)
        let signers = (1...accounts).map { SigningAccount.deterministic(seed: 4242, index: UInt64($0)) }
        let transactions: [[Transaction]] = signers.enumerated().map { index, account in
            (0..<transactionsPerAccount).map { nonce in
                Transaction(signedBy: account, nonce: UInt64(nonce),
                            call: .simple(.open(account: String(format: "acc%06d-%04d", index, nonce), money: 100)))
            }
        }
        let members = FederationMembers(
            orderers: orderers, organizations: (1...organizations).map { ("org\($0)", peersPerOrganization) })
        var plan = FederationPlan(genesis: genesis, members: members, orderer: OrdererOptions(batch: batch),
                                  directory: directory, fsync: fsync, seed: 1)
        if flow == .executeOrderValidate {
            plan.enableEndorsement(policy: try EndorsementPolicy.parse(policy, organizations: (1...organizations).map { "org\($0)" }),
                                   targets: .first)
        }
        let federation = try await InProcessFederation.start(plan)
        guard await federation.awaitLeader(timeout: .seconds(30)) != nil else {
            await federation.stop()
            throw BenchmarkError.noLeader
        }
        let clock = ContinuousClock()
        let start = clock.now
        let planned = plan
        let results = await withTaskGroup(of: [(latency: Duration, finished: Duration, outcome: TransactionOutcome)].self) { group in
            for (index, row) in transactions.enumerated() {
                group.addTask {
                    var traces: [(Duration, Duration, TransactionOutcome)] = []
                    let orderer = members.orderers[index % members.orderers.count]
                    let listener = members.peers[index % members.peers.count]
                    let endorsers = planned.endorsers(forAccount: index)
                    for transaction in row {
                        let trace = endorsers.isEmpty
                            ? await federation.client.submit(transaction, to: orderer, listeningTo: listener, timeout: .seconds(60))
                            : await federation.client.endorseAndSubmit(transaction, signer: signers[index], endorsers: endorsers,
                                                                       to: orderer, listeningTo: listener, timeout: .seconds(60))
                        traces.append((trace.finished - trace.sent, trace.finished - start, trace.outcome))
                        if case .committed(.valid, _) = trace.outcome { continue }
                        break
                    }
                    return traces
                }
            }
            var all: [(latency: Duration, finished: Duration, outcome: TransactionOutcome)] = []
            for await traces in group { all += traces }
            return all
        }
        let elapsed = clock.now - start
        let height = await federation.orderers[0].height
        let agreed = await federation.awaitPeers(height: height, timeout: .seconds(30))
        let states = await federation.chainStates()
        await federation.stop()

        let committed = results.filter { if case .committed(.valid, _) = $0.outcome { true } else { false } }
        var failures: [String: Int] = [:]
        for result in results {
            switch result.outcome {
            case .committed(.valid, _): continue
            case .committed(let code, _): failures["invalid:\(code)", default: 0] += 1
            case .rejected(let reason): failures["rejected:\(reason)", default: 0] += 1
            case .timedOut: failures["timeout", default: 0] += 1
            case .endorsementFailed(let failure): failures["endorsement:\(failure)", default: 0] += 1
            }
        }
        let finishTimes = committed.map { $0.finished.inSeconds }.sorted()
        let low = finishTimes[finishTimes.count / 10], high = finishTimes[finishTimes.count * 9 / 10]
        let steady = high > low ? Double(finishTimes.count * 8 / 10) / (high - low) : 0
        let latencies = committed.map { $0.latency.inSeconds * 1000 }.sorted()
        func percentile(_ fraction: Double) -> Double {
            latencies[min(latencies.count - 1, Int((Double(latencies.count) * fraction).rounded(.down)))]
        }
        return Result(
            transactions: results.count, failed: results.count - committed.count, seconds: elapsed.inSeconds,
            steadyTransactionsPerSecond: steady,
            latencyMilliseconds: [("p50", percentile(0.5)), ("p90", percentile(0.9)), ("p99", percentile(0.99)),
                                  ("p99.9", percentile(0.999)), ("max", latencies.last ?? 0)],
            chainHeight: height,
            peersAgree: agreed && Set(states.map(\.headHash)).count == 1
                && Set(states.compactMap(\.stateDigest)).count == 1,
            verificationsPerTransaction: Self.verificationsPerTransaction(
                flow: flow, peers: members.peers.count, endorsements: planned.endorsers(forAccount: 0).count),
            failures: failures)
    }

    enum BenchmarkError: Error, CustomStringConvertible {
        case noLeader
        var description: String { "no orderer became leader within 30 s" }
    }
}
