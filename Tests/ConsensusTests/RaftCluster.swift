@testable import LedgerCore
import LedgerPrimitives
@testable import Consensus

/// A deterministic in-memory cluster: nodes, their storage, a message queue and a fault model.
///
/// Every `Ready` is handled as a real shell would: persist into `storages`, apply committed
/// entries, queue the messages, `advance`. Delivery is FIFO unless a test delivers selectively.
/// Invariant violations are collected in `violations` instead of trapping, so tests can report
/// them with their seed.
struct RaftCluster {
    /// A directed link between two nodes.
    struct Link: Hashable {
        var from: Raft.NodeID
        var to: Raft.NodeID
    }

    let seed: UInt64
    let configuration: Raft.Configuration
    let options: Raft.Options
    /// Live nodes; a crashed node is absent.
    var nodes: [Raft.NodeID: Raft.Node] = [:]
    /// What each node persisted.
    var storages: [Raft.NodeID: Raft.Storage] = [:]
    /// The payload values each node's application applied, in order.
    var applied: [Raft.NodeID: [UInt64]] = [:]
    /// The last index each node's application applied.
    var appliedIndex: [Raft.NodeID: UInt64] = [:]
    /// Messages sent and not yet delivered, oldest first.
    var network: [Raft.Envelope] = []
    /// Links that drop every message.
    var blockedLinks: Set<Link> = []
    /// How many times each node restarted (gives each incarnation its own random stream).
    var restarts: [Raft.NodeID: UInt64] = [:]
    /// Every node seen leading each term.
    var leadersByTerm: [UInt64: Raft.NodeID] = [:]
    /// Every entry any application applied, by index.
    var appliedByIndex: [UInt64: Raft.Entry] = [:]
    /// For each applied index, the lowest term any node was in when applying it: the entry was
    /// committed in that term or earlier, so every leader of a later term must hold it.
    var committedNoLaterThanTerm: [UInt64: UInt64] = [:]
    /// Invariant violations found so far.
    var violations: [String] = []
    /// Messages delivered so far, by kind, for counting round trips.
    var delivered: [Raft.Envelope] = []

    /// Creates `size` nodes numbered from 1, optionally restored from `storages`.
    init(size: Int, seed: UInt64, options: Raft.Options = RaftCluster.defaultOptions,
         storages: [Raft.NodeID: Raft.Storage] = [:]) {
        self.seed = seed
        self.options = options
        self.configuration = Raft.Configuration(voters: (1...UInt64(size)).map { Raft.NodeID($0) })
        for id in configuration.voters {
            self.storages[id] = storages[id] ?? Raft.Storage()
            start(id)
        }
    }

    static let defaultOptions = Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 2)

    var ids: [Raft.NodeID] { configuration.voters }

    // MARK: - Node life

    /// Starts (or restarts) `id` from its storage, with a fresh application rebuilt from the snapshot.
    mutating func start(_ id: Raft.NodeID) {
        let storage = storages[id] ?? Raft.Storage()
        let incarnation = restarts[id, default: 0]
        let generator = SeededGenerator(seed: seed).derived(id.rawValue &* 1_000 &+ incarnation)
        nodes[id] = Raft.Node(id: id, configuration: configuration, options: options, generator: generator,
                              storage: storage)
        applied[id] = storage.snapshot.map { Self.decodeValues($0.data) } ?? []
        appliedIndex[id] = storage.snapshot?.metadata.lastIncludedIndex ?? 0
    }

    /// Crashes `id`: its volatile state and undelivered messages to it are lost.
    mutating func crash(_ id: Raft.NodeID) {
        nodes[id] = nil
        network.removeAll { $0.to == id }
        restarts[id, default: 0] += 1
    }

    /// Compacts `id`'s log through everything it applied.
    mutating func compact(_ id: Raft.NodeID) {
        guard var node = nodes[id], node.appliedIndex >= node.firstIndex else { return }
        let data = Self.encodeValues(applied[id] ?? [])
        if let snapshot = node.compact(through: node.appliedIndex, snapshot: data) {
            storages[id]?.compact(to: snapshot)
        }
        nodes[id] = node
    }

    // MARK: - Faults

    /// Cuts `id` off from every other node, both ways.
    mutating func isolate(_ id: Raft.NodeID) {
        for other in ids where other != id {
            blockedLinks.insert(Link(from: id, to: other))
            blockedLinks.insert(Link(from: other, to: id))
        }
    }

    /// Splits the cluster into two sides that cannot talk to each other.
    mutating func partition(_ side: Set<Raft.NodeID>) {
        for a in ids where side.contains(a) {
            for b in ids where !side.contains(b) {
                blockedLinks.insert(Link(from: a, to: b))
                blockedLinks.insert(Link(from: b, to: a))
            }
        }
    }

    /// Restores every link.
    mutating func heal() {
        blockedLinks.removeAll()
    }

    func canDeliver(_ envelope: Raft.Envelope) -> Bool {
        !blockedLinks.contains(Link(from: envelope.from, to: envelope.to)) && nodes[envelope.to] != nil
    }

    // MARK: - Driving

    /// Handles every pending `Ready` of every live node.
    mutating func processReadies() {
        for id in ids {
            // Bounded: each round drains the node; new work appears only from advance's commit.
            for _ in 0..<16 {
                guard var node = nodes[id], node.hasReady else { break }
                let ready = node.ready()
                storages[id]?.persist(ready)
                if let snapshot = ready.snapshotToPersist {
                    applied[id] = Self.decodeValues(snapshot.data)
                    appliedIndex[id] = snapshot.metadata.lastIncludedIndex
                }
                for entry in ready.committedEntries {
                    apply(entry, on: id, term: node.term)
                }
                network.append(contentsOf: ready.messages)
                node.advance(ready)
                nodes[id] = node
            }
            if let node = nodes[id], node.role == .leader {
                if let known = leadersByTerm[node.term], known != id {
                    violations.append("seed \(seed): two leaders in term \(node.term): \(known) and \(id)")
                }
                leadersByTerm[node.term] = id
            }
        }
    }

    private mutating func apply(_ entry: Raft.Entry, on id: Raft.NodeID, term: UInt64) {
        let expectedIndex = (appliedIndex[id] ?? 0) + 1
        if entry.index != expectedIndex {
            violations.append("seed \(seed): \(id) applied index \(entry.index), expected \(expectedIndex)")
        }
        appliedIndex[id] = entry.index
        if let known = appliedByIndex[entry.index], known != entry {
            violations.append("seed \(seed): \(id) applied \(entry) at \(entry.index) where \(known) was applied")
        }
        appliedByIndex[entry.index] = entry
        committedNoLaterThanTerm[entry.index] = min(committedNoLaterThanTerm[entry.index] ?? term, term)
        if let payload = entry.payload {
            applied[id, default: []].append(Self.decodeValues(payload).first ?? 0)
        }
    }

    /// Delivers one message (if its link is up and its addressee alive).
    mutating func deliver(_ envelope: Raft.Envelope) {
        guard canDeliver(envelope) else { return }
        delivered.append(envelope)
        nodes[envelope.to]?.step(envelope)
    }

    /// Delivers queued messages in order, and what they cause, until the network is quiet.
    mutating func stabilize(maxRounds: Int = 200) {
        for _ in 0..<maxRounds {
            processReadies()
            if network.isEmpty { return }
            let batch = network
            network.removeAll()
            for envelope in batch { deliver(envelope) }
        }
    }

    /// Ticks every live node once and lets the network settle.
    mutating func tick(_ count: Int = 1) {
        for _ in 0..<count {
            for id in ids { nodes[id]?.tick() }
            stabilize()
        }
    }

    /// Ticks only `id` until it starts a campaign, then lets the network settle.
    mutating func campaign(_ id: Raft.NodeID) {
        for _ in 0..<(4 * options.electionTimeoutTicks) {
            guard let node = nodes[id], node.role == .follower else { break }
            nodes[id]?.tick()
        }
        stabilize()
    }

    /// Proposes `value` on `id`.
    @discardableResult
    mutating func propose(_ value: UInt64, on id: Raft.NodeID) -> Raft.ProposeResult {
        guard nodes[id] != nil else { return .notLeader(leaderHint: nil) }
        return nodes[id]!.propose(Self.encodeValues([value]))
    }

    /// The live leader of the highest term, if any.
    var leader: Raft.NodeID? {
        nodes.values.filter { $0.role == .leader }.max { $0.term < $1.term }?.id
    }

    // MARK: - Checks

    /// Log matching: two logs holding an entry with the same index and term agree up to it.
    func logMatchingViolations() -> [String] {
        var found: [String] = []
        let live = ids.compactMap { nodes[$0] }
        for (position, a) in live.enumerated() {
            for b in live[(position + 1)...] {
                let low = max(a.firstIndex, b.firstIndex)
                let high = min(a.lastIndex, b.lastIndex)
                guard low <= high else { continue }
                var agreeing = high
                while agreeing >= low, a.entry(at: agreeing)?.term != b.entry(at: agreeing)?.term {
                    agreeing -= 1
                }
                guard agreeing >= low else { continue }
                for index in low...agreeing where a.entry(at: index) != b.entry(at: index) {
                    found.append("seed \(seed): logs of \(a.id) and \(b.id) differ at \(index) below matching \(agreeing)")
                    break
                }
            }
        }
        return found
    }

    /// Leader completeness: an entry committed in a term is in the log of every later term's leader.
    func leaderCompletenessViolations() -> [String] {
        var found: [String] = []
        for node in nodes.values where node.role == .leader {
            for (index, entry) in appliedByIndex where index >= node.firstIndex {
                guard let committedTerm = committedNoLaterThanTerm[index], committedTerm < node.term else { continue }
                if node.entry(at: index) != entry {
                    found.append("seed \(seed): leader \(node.id) of term \(node.term) lacks applied entry \(index)")
                }
            }
        }
        return found
    }

    /// State machine safety: every application's sequence is a prefix of the longest one.
    func appliedPrefixViolations() -> [String] {
        let longest = applied.values.max { $0.count < $1.count } ?? []
        return applied.compactMap { id, values in
            Array(longest.prefix(values.count)) == values ? nil
                : "seed \(seed): \(id) applied \(values) which is not a prefix of \(longest)"
        }
    }

    // MARK: - Payload codec

    static func encodeValues(_ values: [UInt64]) -> [UInt8] {
        values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }

    static func decodeValues(_ bytes: [UInt8]) -> [UInt64] {
        var values: [UInt64] = []
        var start = 0
        while start + 8 <= bytes.count {
            var value: UInt64 = 0
            for offset in 0..<8 {
                let byte = UInt64(bytes[start + offset])
                value |= byte << UInt64(8 * offset)
            }
            values.append(value)
            start += 8
        }
        return values
    }
}
