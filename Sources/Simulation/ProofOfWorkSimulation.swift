import Transport
import Consensus
import LedgerCore
import LedgerPrimitives
import NodeCore

/// The shape and faults of one simulated run of a proof-of-work network.
struct ProofOfWorkSimulationOptions: Sendable, Hashable {
    public var miners = 3
    public var fullNodes = 2
    /// Client accounts, each with a nonce window of 1 (the next waits for the last's commit event).
    public var accounts = 6
    public var transactionsPerAccount = 4
    public var targetBlockIntervalMilliseconds: UInt64 = 250
    /// Expected hashes per block at the network's nominal hash rate (real SHA-256 each).
    public var hashesPerBlock: UInt64 = 500
    public var confirmations: UInt64 = 4
    public var maxBlockTransactions = 4
    /// Miners hash and nodes see the clock once per tick.
    public var tickMilliseconds: UInt64 = 25
    public var minimumDelayMilliseconds: UInt64 = 2
    public var maximumDelayMilliseconds: UInt64 = 60
    public var lossProbability = 0.01
    /// Partitions cut one node off for a while, during the fault phase only.
    public var partitions = true
    public var meanPartitionIntervalMilliseconds: UInt64 = 1_500
    public var maximumPartitionMilliseconds: UInt64 = 125
    public var faultPhaseMilliseconds: UInt64 = 4_000
    /// After healing, how long clients have to finish before the run fails.
    public var settleLimitMilliseconds: UInt64 = 60_000
    /// A client resubmits its transaction when no commit event came for this long.
    public var clientTimeoutMilliseconds: UInt64 = 5_000

    public init() {}

    var nodes: Int { miners + fullNodes }
}

/// What a run that kept every invariant did.
struct ProofOfWorkSimulationReport: Sendable, Hashable {
    public var seed: UInt64
    /// Height of the chain every node ended on.
    public var chainHeight: UInt64
    public var minedBlocks: Int
    /// Mined blocks that did not end on the chain: each is a fork that resolved.
    public var staleBlocks: Int
    /// Switches to a heavier branch, summed over nodes.
    public var reorganisations: Int
    public var deepestReorganisation: UInt64
    public var partitions: Int
    public var committedTransactions: Int
    public var hashes: UInt64
    public var meanBlockIntervalMilliseconds: Double
    public var simulatedMilliseconds: UInt64
}

/// Runs the real `MinerCore`, mempool and proof-of-work code (really hashing) under a simulated
/// clock, network and hashing budget.
///
/// One seed drives every choice: each miner's hash rate, the first target's error, message delays,
/// loss and reordering, partitions that cut a node off, and the clients' timing. Invariants: no
/// node ever reverts a final block (no reorganisation deeper than `confirmations`); each node
/// emits a transaction's commit event at most once; every node's stored (final) chain links up;
/// once healed, every client's transactions commit; all nodes end on the same head and state
/// digest; the final chain replays with every transaction includable, none valid twice; and every
/// commit event any node emitted names a transaction at that height and code on the final chain.
enum ProofOfWorkSimulation {
    public static func run(
        seed: UInt64, options: ProofOfWorkSimulationOptions = ProofOfWorkSimulationOptions()
    ) -> Result<ProofOfWorkSimulationReport, SimulationFailure> {
        let simulator = ProofOfWorkSimulator(seed: seed, options: options)
        do {
            return .success(try simulator.run())
        } catch let failure as SimulationFailure {
            return .failure(failure)
        } catch {
            return .failure(SimulationFailure(seed: seed, invariant: "unexpected error", detail: "\(error)",
                                              replay: "ProofOfWorkSimulation.run(seed: \(seed))"))
        }
    }
}

/// One simulated proof-of-work run; single-threaded, used once.
final class ProofOfWorkSimulator {
    enum Event {
        case deliver(from: Int, to: Int, message: MinerMessage)
        case tick
        case partition
        case heal
    }

    struct SimulatedNode {
        var core: MinerCore
        /// Hashes per tick; 0 for a full node.
        var hashesPerTick: UInt64
        /// What the shell appended to its block store: the final chain, genesis first.
        var store: [Block]
        var committed: Set<Hash256> = []
    }

    struct Client {
        var nonce: UInt64 = 0
        var inFlight: (id: Hash256, sentMilliseconds: UInt64)?
    }

    static let maximumEvents = 2_000_000
    static let quiesceRounds = 20

    let seed: UInt64
    let options: ProofOfWorkSimulationOptions
    let pool: SimulationTransactionPool
    var random: SeededGenerator
    var queue = TimedQueue<UInt64, Event>()
    var inFlightDeliveries = 0
    var now: UInt64 = 0
    var nodes: [SimulatedNode] = []
    var clients: [Client] = []
    var mining = true
    var isolated: Int?
    var faultsActive = true
    var eventCount = 0

    // Records.
    var minedBlocks = 0
    var hashes: UInt64 = 0
    var partitionCount = 0
    var reorganisationCount = 0
    var deepestReorganisation: UInt64 = 0
    /// Every commit event any node emitted: transaction → (height, code).
    var commitRecords: [Hash256: (height: UInt64, code: ValidationCode, node: Int)] = [:]

    init(seed: UInt64, options: ProofOfWorkSimulationOptions) {
        self.seed = seed
        self.options = options
        pool = Self.sharedPool(accounts: options.accounts, transactions: options.transactionsPerAccount)
        random = SeededGenerator(seed: seed)
    }

    static let defaultPool = SimulationTransactionPool(
        accounts: ProofOfWorkSimulationOptions().accounts, nonces: ProofOfWorkSimulationOptions().transactionsPerAccount)

    static func sharedPool(accounts: Int, transactions: Int) -> SimulationTransactionPool {
        let defaults = ProofOfWorkSimulationOptions()
        if accounts == defaults.accounts && transactions == defaults.transactionsPerAccount { return defaultPool }
        return SimulationTransactionPool(accounts: accounts, nonces: transactions)
    }

    func fail(_ invariant: String, _ detail: String) -> SimulationFailure {
        SimulationFailure(seed: seed, invariant: invariant, detail: detail,
                          replay: "ProofOfWorkSimulation.run(seed: \(seed))")
    }

    // MARK: - Running

    func run() throws -> ProofOfWorkSimulationReport {
        setUpNodes()
        clients = Array(repeating: Client(), count: options.accounts)
        queue.schedule(.tick, at: options.tickMilliseconds)
        if options.partitions { queue.schedule(.partition, at: nextPartitionDelay()) }

        let deadline = options.faultPhaseMilliseconds + options.settleLimitMilliseconds
        while let (time, event) = queue.pop() {
            now = time
            try count()
            if now >= options.faultPhaseMilliseconds, faultsActive {
                faultsActive = false
                isolated = nil
            }
            try handle(event)
            if !faultsActive, clientsAreDone() { break }
            if now > deadline { throw fail("progress after healing", progressReport()) }
        }
        try quiesce()
        return try checkFinalInvariants()
    }

    func count() throws {
        eventCount += 1
        guard eventCount < Self.maximumEvents else { throw fail("bounded run", "more than \(Self.maximumEvents) events") }
    }

    func setUpNodes() {
        // Miners' hash rates: random weights, scaled so the network expects `hashesPerBlock` per interval.
        let weights = (0..<options.miners).map { _ in UInt64.random(in: 1...4, using: &random) }
        let totalPerTick = max(1, options.hashesPerBlock * options.tickMilliseconds / options.targetBlockIntervalMilliseconds)
        let weightSum = weights.reduce(0, +)
        // The first target comes from a "measurement" that is off by up to a factor of two either way.
        let measurementError = Double.random(in: 0.5...2, using: &random)
        let hashesPerSecond = Double(totalPerTick) * 1_000 / Double(options.tickMilliseconds) * measurementError
        let rule = ProofOfWork.RetargetRule(
            targetBlockIntervalMilliseconds: options.targetBlockIntervalMilliseconds,
            initialTarget: ProofOfWork.initialTarget(hashesPerSecond: hashesPerSecond,
                                                     targetIntervalMilliseconds: options.targetBlockIntervalMilliseconds),
            windowBlocks: 8)
        let genesisBlock = pool.genesis.genesisBlock
        nodes = (0..<options.nodes).map { index in
            let mines = index < options.miners
            let nodeOptions = MinerOptions(
                mines: mines, retarget: rule, confirmations: options.confirmations,
                maxBlockTransactions: options.maxBlockTransactions,
                mempool: MempoolOptions(maxTransactions: 1_000, maxTransactionsPerAccount: 16),
                parentRequestRetryMilliseconds: options.targetBlockIntervalMilliseconds * 2,
                firstNonce: UInt64(index) << 48)
            let rate = mines ? max(1, totalPerTick * weights[index] / weightSum) : 0
            return SimulatedNode(core: MinerCore(genesis: pool.genesis, options: nodeOptions, nowMilliseconds: 0),
                                 hashesPerTick: rate, store: [genesisBlock])
        }
    }

    func handle(_ event: Event) throws {
        switch event {
        case .deliver(let from, let to, let message):
            inFlightDeliveries -= 1
            try deliver(message, from: from, to: to)
        case .tick:
            try tick()
            queue.schedule(.tick, at: now + options.tickMilliseconds)
        case .partition:
            guard faultsActive else { return }
            isolated = Int.random(in: 0..<options.nodes, using: &random)
            partitionCount += 1
            let length = UInt64.random(in: options.maximumPartitionMilliseconds / 2...options.maximumPartitionMilliseconds,
                                       using: &random)
            queue.schedule(.heal, at: now + length)
            queue.schedule(.partition, at: now + length + nextPartitionDelay())
        case .heal:
            isolated = nil
        }
    }

    func tick() throws {
        for index in nodes.indices {
            nodes[index].core.advanceClock(to: now)
            if mining, nodes[index].hashesPerTick > 0 {
                let outcome = nodes[index].core.mineSlice(maxAttempts: nodes[index].hashesPerTick)
                hashes += outcome.attempts
                if case .found = outcome { minedBlocks += 1 }
            }
            try drain(index)
        }
        for index in clients.indices { try driveClient(index) }
    }

    // MARK: - Nodes

    /// The shell's ready loop: store final blocks, emit commit events, send, then advance.
    func drain(_ index: Int) throws {
        let ready = nodes[index].core.ready()
        guard !ready.isEmpty else { return }
        for violation in ready.safetyViolations {
            throw fail("final blocks are never reverted", "node\(index): \(violation)")
        }
        for reorganisation in ready.reorganisations {
            reorganisationCount += 1
            deepestReorganisation = max(deepestReorganisation, reorganisation.depth)
        }
        for block in ready.finalBlocks {
            let last = nodes[index].store.last!
            guard block.header.height == last.header.height + 1, block.header.previousHash == last.hash else {
                throw fail("the stored chain links up", "node\(index) stored block \(block.header.height) after \(last.header.height)")
            }
            nodes[index].store.append(block)
        }
        for event in ready.commitEvents {
            guard nodes[index].committed.insert(event.transaction).inserted else {
                throw fail("one commit event per transaction", "node\(index) committed \(event.transaction.short) twice")
            }
            if let known = commitRecords[event.transaction], known.height != event.height || known.code != event.code {
                throw fail("nodes agree on commits", "node\(index) committed \(event.transaction.short) at \(event.height), node\(known.node) at \(known.height)")
            }
            commitRecords[event.transaction] = (event.height, event.code, index)
            try clientReceives(event, from: index)
        }
        for send in ready.sends {
            switch send.destination {
            case .peer(let peer):
                transmit(send.message, from: index, to: Int(peer.rawValue))
            case .allNeighbours(let except):
                for other in nodes.indices where other != index && other != except.map({ Int($0.rawValue) }) {
                    transmit(send.message, from: index, to: other)
                }
            }
        }
        nodes[index].core.advance(ready)
    }

    func transmit(_ message: MinerMessage, from: Int, to: Int) {
        if Double.random(in: 0..<1, using: &random) < options.lossProbability { return }
        let delay = UInt64.random(in: options.minimumDelayMilliseconds...options.maximumDelayMilliseconds, using: &random)
        inFlightDeliveries += 1
        queue.schedule(.deliver(from: from, to: to, message: message), at: now + delay)
    }

    func deliver(_ message: MinerMessage, from: Int, to: Int) throws {
        if let isolated, isolated == from || isolated == to { return }
        let peer = GossipPeer(UInt64(from))
        switch message {
        case .transaction(let transaction):
            nodes[to].core.receive(transaction, from: peer, signatureVerdict: verdict(transaction))
        case .block(let block):
            nodes[to].core.receive(block, from: peer, signatureVerdicts: block.transactions.map(verdict))
        case .blockRequest:
            nodes[to].core.receive(message, from: peer)
        }
        try drain(to)
    }

    func verdict(_ transaction: Transaction) -> Bool {
        pool.verdicts[transaction.id] ?? transaction.hasValidSignature
    }

    // MARK: - Clients

    func homeNode(of client: Int) -> Int { client % options.nodes }

    func driveClient(_ index: Int) throws {
        let client = clients[index]
        if let inFlight = client.inFlight {
            guard now - inFlight.sentMilliseconds >= options.clientTimeoutMilliseconds else { return }
            // No commit event yet: resubmit the same transaction (its gossip may have been lost).
            clients[index].inFlight = (inFlight.id, now)
        } else {
            guard client.nonce < UInt64(options.transactionsPerAccount) else { return }
            // Submit now and then, not on every tick, so blocks vary in size.
            guard Int.random(in: 0..<3, using: &random) == 0 else { return }
            clients[index].inFlight = (pool.transactions[index][Int(client.nonce)].id, now)
        }
        let transaction = pool.transactions[index][Int(clients[index].nonce)]
        let home = homeNode(of: index)
        nodes[home].core.receive(transaction, from: nil, signatureVerdict: verdict(transaction))
        try drain(home)
    }

    func clientReceives(_ event: CommitEvent, from node: Int) throws {
        for index in clients.indices where homeNode(of: index) == node {
            guard let inFlight = clients[index].inFlight, inFlight.id == event.transaction else { continue }
            guard event.code == .valid else {
                throw fail("client transactions commit valid", "client\(index)'s nonce \(clients[index].nonce) committed \(event.code)")
            }
            clients[index].inFlight = nil
            clients[index].nonce += 1
        }
    }

    func clientsAreDone() -> Bool {
        clients.allSatisfy { $0.nonce >= UInt64(options.transactionsPerAccount) }
    }

    // MARK: - The end

    /// Stops mining and lets the network drain; while nodes still disagree (equal-work tips, a
    /// lost block), one miner mines one more block, which every node then follows.
    func quiesce() throws {
        mining = false
        isolated = nil
        for round in 0..<Self.quiesceRounds {
            try drainNetwork()
            if Set(nodes.map(\.core.tipHash)).count == 1 { return }
            let miner = round % options.miners
            var attempts = 0
            while true {
                attempts += 1
                guard attempts < 1_000_000 else { throw fail("bounded run", "no block found while quiescing") }
                nodes[miner].core.advanceClock(to: now)
                let outcome = nodes[miner].core.mineSlice(maxAttempts: 1_000)
                hashes += outcome.attempts
                if case .found = outcome {
                    minedBlocks += 1
                    break
                }
            }
            try drain(miner)
        }
        throw fail("all nodes converge", "tips differ after \(Self.quiesceRounds) quiescing rounds: "
                   + nodes.enumerated().map { "node\($0.offset) \($0.element.core.tipHash.short)@\($0.element.core.tipHeight)" }.joined(separator: ", "))
    }

    /// Runs events until no message is in flight and no node waits for a parent (bounded in time).
    func drainNetwork() throws {
        let limit = now + options.settleLimitMilliseconds
        while let (time, event) = queue.pop() {
            now = time
            try count()
            try handle(event)
            if inFlightDeliveries == 0, nodes.allSatisfy({ $0.core.orphanBlockCount == 0 }) { return }
            if now > limit { throw fail("all nodes converge", "the network did not drain: \(progressReport())") }
        }
    }

    func progressReport() -> String {
        let nodesText = nodes.enumerated().map { "node\($0.offset) \($0.element.core.tipHash.short)@\($0.element.core.tipHeight) final \($0.element.core.finalHeight)" }
        let clientsText = clients.map { "\($0.nonce)" }.joined(separator: ",")
        return nodesText.joined(separator: "; ") + "; client nonces [\(clientsText)]"
    }

    func checkFinalInvariants() throws -> ProofOfWorkSimulationReport {
        let reference = nodes[0].core
        for (index, node) in nodes.enumerated() {
            guard node.core.tipHash == reference.tipHash, node.core.ledger.state.digest == reference.ledger.state.digest else {
                throw fail("all nodes end on identical chains", "node\(index) differs: \(progressReport())")
            }
        }
        // The final chain: what node 0 stored, then its blocks not yet final.
        let chain = nodes[0].store + reference.mainChainBlocks(fromHeight: UInt64(nodes[0].store.count))
        guard chain.last?.hash == reference.tipHash, UInt64(chain.count - 1) == reference.tipHeight else {
            throw fail("the stored chain links up", "node0's store and tree do not make one chain")
        }
        for (index, node) in nodes.enumerated() {
            for block in node.store where chain[Int(block.header.height)].hash != block.hash {
                throw fail("final blocks are never reverted", "node\(index) stored block \(block.header.height) off the final chain")
            }
        }
        var replay = Ledger(genesis: pool.genesis)
        var positions: [Hash256: (height: UInt64, code: ValidationCode)] = [:]
        for block in chain.dropFirst() {
            let codes: [ValidationCode]
            do {
                codes = try replay.apply(block, signatureVerdicts: block.transactions.map(verdict))
            } catch {
                throw fail("the final chain replays", "block \(block.header.height): \(error)")
            }
            for (transaction, code) in zip(block.transactions, codes) {
                switch code {
                case .badSignature, .staleNonce, .futureNonce, .mvccReadConflict, .endorsementPolicyFailure, .duplicateTxId:
                    throw fail("blocks hold only includable transactions", "\(transaction.id.short) at \(block.header.height): \(code)")
                case .valid, .contractError:
                    break
                }
                guard positions[transaction.id] == nil else {
                    throw fail("no transaction twice", "\(transaction.id.short) is on the chain twice")
                }
                positions[transaction.id] = (block.header.height, code)
            }
        }
        guard replay.state.digest == reference.ledger.state.digest else {
            throw fail("the final chain replays", "replaying gives another state digest")
        }
        for (id, record) in commitRecords.sorted(by: { $0.key < $1.key }) {
            guard let position = positions[id], position.height == record.height, position.code == record.code else {
                throw fail("every commit is on the final chain", "node\(record.node) committed \(id.short) at \(record.height) (\(record.code))")
            }
        }
        let timed = chain.dropFirst()
        let meanInterval = timed.count > 1
            ? Double(timed.last!.header.timestampMilliseconds - timed.first!.header.timestampMilliseconds) / Double(timed.count - 1)
            : 0
        return ProofOfWorkSimulationReport(
            seed: seed, chainHeight: reference.tipHeight, minedBlocks: minedBlocks,
            staleBlocks: minedBlocks - Int(reference.tipHeight), reorganisations: reorganisationCount,
            deepestReorganisation: deepestReorganisation, partitions: partitionCount,
            committedTransactions: commitRecords.count, hashes: hashes, meanBlockIntervalMilliseconds: meanInterval,
            simulatedMilliseconds: now)
    }

    func nextPartitionDelay() -> UInt64 {
        UInt64.random(in: options.meanPartitionIntervalMilliseconds / 2...options.meanPartitionIntervalMilliseconds * 3 / 2,
                      using: &random)
    }
}
