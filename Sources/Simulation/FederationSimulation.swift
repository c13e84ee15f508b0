import Transport
import Consensus
public import LedgerCore
public import LedgerPrimitives
public import NodeCore

/// The shape and faults of one simulated run of a Raft federation.
public struct SimulationOptions: Sendable, Hashable {
    public var orderers = 3
    public var peers = 3
    public var accounts = 6
    /// How long faults are injected and clients submit, in simulated milliseconds.
    public var faultPhaseMilliseconds: UInt64 = 12_000
    /// After healing, how long the federation has to make progress and converge.
    public var settleLimitMilliseconds: UInt64 = 30_000
    /// Mean time between injected faults.
    public var meanFaultIntervalMilliseconds: UInt64 = 1_200
    /// Crashes: of random nodes, of orderers between persisting and sending, of new leaders.
    public var crashes = true
    /// Partitions: random splits, and leaders cut off with a minority.
    public var partitions = true
    /// Windows in which Raft messages are held back long enough to arrive after newer terms.
    public var delayBursts = true
    /// Orderer clocks at their own rates (in swarm runs) and clock stalls.
    public var clockSkew = true
    /// Draws each seed's Raft settings (entries per append, pre-vote, check-quorum), fault mix and
    /// clock rates from the seed; off, every seed runs the defaults with crashes and partitions only.
    public var swarm = true
    public var minimumDelayMilliseconds: UInt64 = 1
    public var maximumDelayMilliseconds: UInt64 = 25
    public var lossProbability = 0.03
    public var duplicationProbability = 0.02
    public var tickMilliseconds: UInt64 = 50
    public var electionTimeoutTicks = 10
    public var batch = BatchOptions(maxMessageCount: 8, preferredMaxBytes: 64 * 1024,
                                    absoluteMaxBytes: 1_048_576, batchTimeoutMilliseconds: 100)
    /// A client resynchronises and resends after waiting this long for a commit event.
    public var clientTimeoutMilliseconds: UInt64 = 2_500
    /// Nonces each account may use in order-execute; bounds the presigned transaction pool.
    public var noncesPerAccount = 48
    /// Applied entries an orderer keeps after compacting; small, so lagging orderers need snapshots.
    public var compactionRetainedEntries = 2
    /// Applied entries between two compactions.
    public var compactionIntervalEntries = 4
    /// Formed blocks an orderer holds back while fetching; small, so the overflow path runs too.
    public var maxHeldBlocks = 4
    /// How long a fetching orderer waits for progress before asking another orderer.
    public var fetchRetryMilliseconds: UInt64 = 400

    /// How a transaction runs: ordered then executed, or (Fabric's flow) endorsed, ordered, then validated.
    public var flow: TransactionFlow = .orderExecute
    /// Execute-order-validate: the organisations the peers split into; peer i is in "org\(i % organizations + 1)".
    public var organizations = 2
    /// Execute-order-validate: the endorsement policy; nil for AND of every organisation's member.
    public var endorsementPolicy: EndorsementPolicy? = nil
    /// Execute-order-validate: the accounts every client transfers among, so that endorsed reads go stale.
    public var sharedAccounts = 3
    /// Execute-order-validate: proposals each client may make (each attempt uses a nonce); bounds its pool.
    public var proposalsPerAccount = 128
    /// Execute-order-validate: a client gives up on a proposal whose endorsements are not all in by then.
    public var endorsementTimeoutMilliseconds: UInt64 = 400
    /// Execute-order-validate: how often a client resends the same envelope after `clientTimeoutMilliseconds`.
    public var envelopeResends = 2

    public init() {}

    /// The organisation names of execute-order-validate: "org1", "org2", ...
    public var organizationNames: [String] { (0..<max(organizations, 0)).map { "org\($0 + 1)" } }

    /// The organisation peer `index` belongs to.
    public func organization(ofPeer index: Int) -> String { "org\(index % max(organizations, 1) + 1)" }

    /// The policy in force: the one set, or AND of every organisation's member.
    public var effectivePolicy: EndorsementPolicy {
        endorsementPolicy ?? .and(organizationNames.map { .member(organization: $0) })
    }

    /// The nonces a client may use: one per committed transaction, or one per proposal in execute-order-validate.
    var clientNonceLimit: UInt64 {
        UInt64(max(flow == .orderExecute ? noncesPerAccount : proposalsPerAccount, 0))
    }
}

/// What a run that kept every invariant did.
public struct SimulationReport: Sendable, Hashable {
    public var seed: UInt64
    public var chainHeight: UInt64
    /// Transactions whose clients saw them committed valid.
    public var acknowledgedTransactions: Int
    public var crashes: Int
    public var partitions: Int
    public var leaderTerms: Int
    public var simulatedMilliseconds: UInt64
    public var events: Int
    /// Local Raft log compactions, over all orderers.
    public var compactions: Int
    /// Snapshots orderers installed from a leader (each followed by fetching the blocks it lacks).
    public var snapshotsInstalled: Int
    /// Blocks orderers fetched from other orderers.
    public var blocksFetched: Int
    /// Times an orderer's held blocks overflowed while fetching and were dropped, to be fetched too.
    public var heldBlockDrops: Int
    /// Orderers restarted with their block store behind their persisted snapshot (crashed while fetching).
    public var restartsBehindSnapshot: Int
    /// The most entries any orderer's durable Raft log held after a step.
    public var maximumRaftLogEntries: Int
    /// Transactions valid in the final chain.
    public var validTransactions = 0
    /// Execute-order-validate: transactions in the final chain invalid because a read went stale.
    public var mvccReadConflicts = 0
    /// Execute-order-validate: transactions in the final chain invalid because their id came earlier.
    public var duplicateTxIds = 0
    /// Execute-order-validate: transactions in the final chain whose endorsements fail the policy.
    public var endorsementPolicyFailures = 0
    /// Execute-order-validate: proposals given up because the endorsers' results differed.
    public var endorsementMismatches = 0
    /// Execute-order-validate: proposals given up because an endorser refused (the contract, a duplicate id).
    public var endorsementRefusals = 0
    /// Execute-order-validate: proposals given up because an endorsement did not come in time.
    public var endorsementTimeouts = 0
    /// Execute-order-validate: envelopes resent unchanged after a client's timeout.
    public var envelopeResends = 0
    /// The faults injected and the interesting states reached.
    public var coverage = SimulationCoverage()
}

/// A broken invariant, with the seed that replays it.
public struct SimulationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var seed: UInt64
    public var invariant: String
    public var detail: String
    /// How to run this seed again; nil for the federation simulation's `vernier simulate --seed`.
    public var replay: String? = nil

    public var description: String {
        "seed \(seed): \(invariant): \(detail) (replay: \(replay ?? "vernier simulate --seed \(seed)"))"
    }
}

/// Runs the real orderer, Raft and peer code under a simulated clock and network.
///
/// One seed drives every choice: message delays, loss, duplication and reordering, partitions,
/// crashes (a crashed node keeps only what it persisted) and restarts, and the clients' timing.
/// With `swarm`, the seed also draws the Raft settings, the fault mix and the orderers' clock
/// rates, and the faults include leaders cut off with a minority, crashes between persisting and
/// sending, leader churn that leaves older-term entries on a minority, delay bursts that reorder
/// messages across terms, and clock stalls (`SimulationCoverage` counts what a run reached).
/// Invariants are checked as the run goes and at its end: at most one leader per term; a leader
/// steps down on a higher term; Raft logs match; no two orderers commit different entries at an
/// index; every orderer that could win an election holds every committed entry (leader
/// completeness); a block, once formed at a height, never changes; each peer applies each block
/// once, in height order, and peers' chains and state digests agree height by height; every
/// transaction a client saw committed is in the chain exactly once as valid; and once healed, the
/// federation commits new transactions and every node converges. Orderers compact their Raft logs, so one that lags installs a snapshot
/// and fetches the blocks it lacks from the others; at the end every orderer's block store is
/// contiguous and identical.
///
/// In execute-order-validate (`SimulationOptions.flow`) every peer endorses for its organisation;
/// clients send proposals to endorsers over the same faulty network, give up on a refusal, a
/// mismatch or a missing answer, sign the agreed envelope and submit it, resending it unchanged
/// after a timeout. The final chain is then walked again without the ledger's validation: every
/// valid transaction is signed, endorsed by the policy and read current versions, no id is valid
/// twice, every invalid code has its reason, and the state is what the valid write sets give.
public enum FederationSimulation {
    public static func run(seed: UInt64, options: SimulationOptions = SimulationOptions()) -> Result<SimulationReport, SimulationFailure> {
        let simulator = Simulator(seed: seed, options: options)
        do {
            return .success(try simulator.run())
        } catch let failure as SimulationFailure {
            return .failure(failure)
        } catch {
            return .failure(SimulationFailure(seed: seed, invariant: "unexpected error", detail: "\(error)"))
        }
    }
}

/// One simulated run; single-threaded, used once.
final class Simulator {
    enum Address: Hashable, CustomStringConvertible {
        case orderer(Int)
        case peer(Int)
        case client

        var description: String {
            switch self {
            case .orderer(let index): "orderer\(index)"
            case .peer(let index): "peer\(index)"
            case .client: "client"
            }
        }
    }

    enum Message {
        case raft(Raft.Envelope)
        case forward(Transaction)
        case submit(Transaction)
        case deliverRequest(fromHeight: UInt64)
        case blocks([Block])
        case commits([CommitEvent])
        /// Execute-order-validate: a client asks a peer to simulate and sign its proposal.
        case endorse(client: Int, requestId: UInt64, proposal: Transaction, timestampMilliseconds: UInt64)
        /// Execute-order-validate: the peer's answer to one `endorse`.
        case endorsement(client: Int, requestId: UInt64, answer: EndorsementAnswer)
    }

    enum Event {
        case deliver(from: Address, to: Address, message: Message)
        case tick
        case fault
        case restart(Address)
        case heal
        case endFaults
    }

    struct SimulatedOrderer {
        var core: OrdererCore?
        var storage = Raft.Storage()
        var chain: [Block]
        var incarnation: UInt64 = 0
        /// Peers pulling blocks from here, with the next height each needs.
        var subscribers: [Int: UInt64] = [:]
    }

    struct SimulatedPeer {
        var core: PeerCore?
        var chain: [Block]
        var orderer: Int
        var lastRequestMilliseconds: UInt64 = 0
        var lastAnswerMilliseconds: UInt64 = 0
        /// The height of the last block this peer applied, as seen by the simulator.
        var appliedHeight: UInt64 = 0
        /// Whether the peer found a gap and has not applied a block since.
        var sawGap = false
    }

    struct Client {
        var nonce: UInt64 = 0
        var inFlight: (id: Hash256, sentMilliseconds: UInt64)?
        var committedAfterHeal = 0
        /// Execute-order-validate: the proposal out for endorsement.
        var endorsing: PendingEndorsement?
        /// Execute-order-validate: the signed envelope `inFlight` names, kept to resend unchanged.
        var envelope: Transaction?
        /// Execute-order-validate: times `envelope` was resent.
        var resends = 0
    }

    /// A proposal out for endorsement: one request per chosen endorser, and the answers so far.
    struct PendingEndorsement {
        var proposal: Transaction
        var requestIds: [UInt64]
        var answers: [UInt64: EndorsementAnswer] = [:]
        var startedMilliseconds: UInt64
    }

    static let maximumBlocksPerMessage = 32
    static let deliverPollMilliseconds: UInt64 = 300
    static let deliverFailoverMilliseconds: UInt64 = 1_500
    static let maximumEvents = 5_000_000

    let seed: UInt64
    let options: SimulationOptions
    let pool: SimulationTransactionPool
    /// The pool's genesis, with the endorsement configuration in execute-order-validate.
    let genesis: GenesisConfiguration
    /// Execute-order-validate: each peer's endorsing key, by peer index; empty in order-execute.
    let endorserAccounts: [SigningAccount]
    /// Execute-order-validate: the organisations a proposal needs endorsers from (with repeats).
    let targetOrganizations: [String]
    var random: SeededGenerator
    var queue = TimedQueue<UInt64, Event>()
    var now: UInt64 = 0
    var orderers: [SimulatedOrderer] = []
    var peers: [SimulatedPeer] = []
    var clients: [Client] = []
    var partitionOf: [Address: Int] = [:]
    var faultsActive = true
    var healedAtMilliseconds: UInt64?
    var crashCount = 0
    var partitionCount = 0
    var eventCount = 0
    var compactionCount = 0
    var snapshotInstallCount = 0
    var fetchedBlockCount = 0
    var heldBlockDropCount = 0
    var restartsBehindSnapshotCount = 0
    var maximumRaftLogEntries = 0
    var nextRequestId: UInt64 = 0
    var endorsementMismatchCount = 0
    var endorsementRefusalCount = 0
    var endorsementTimeoutCount = 0
    var envelopeResendCount = 0
    /// Envelope signature verdicts by Merkle leaf, with the signature they are for (checked once when signed).
    var envelopeVerdicts: [Hash256: (signature: [UInt8], isValid: Bool)] = [:]
    /// Final chain's validation codes counted by kind, filled by the final checks.
    var finalCodeCounts: [String: Int] = [:]

    // Invariant records.
    var leaderOfTerm: [UInt64: Raft.NodeID] = [:]
    var formedBlockHashes: [UInt64: Hash256] = [:]
    var peerStateAtHeight: [UInt64: (block: Hash256, digest: Hash256, codes: [ValidationCode])] = [:]
    var acknowledged: Set<Hash256> = []
    /// Every entry some orderer durably committed, by index.
    var committedEntries: [UInt64: Raft.Entry] = [:]
    var highestCommittedIndex: UInt64 = 0
    /// Per orderer, the commit index its recorded entries reach.
    var recordedCommitIndex: [UInt64] = []
    /// The highest term of a Raft message delivered on each link (sender, receiver).
    var highestTermOnLink: [Int: UInt64] = [:]

    // Swarm and wider faults.
    let swarm: SimulationSwarm
    var clocks: [OrdererClock] = []
    var coverage = SimulationCoverage()
    /// Orderers that crash at their next Ready with messages, after persisting it.
    var crashBeforeSendArmed: Set<Int> = []
    /// New leaders still to crash after persisting their first Ready, before sending it.
    var newLeadersToCrashBeforeSend = 0
    var delayBurstUntilMilliseconds: UInt64 = 0

    init(seed: UInt64, options: SimulationOptions) {
        self.seed = seed
        self.options = options
        pool = Self.sharedPool(options)
        random = SeededGenerator(seed: seed)
        if options.swarm {
            var swarmGenerator = SeededGenerator(seed: seed).derived(0x5357_4152_4D)
            swarm = SimulationSwarm(orderers: options.orderers, options: options, generator: &swarmGenerator)
        } else {
            swarm = SimulationSwarm(orderers: options.orderers, options: options)
        }
        if options.flow == .executeOrderValidate {
            let accounts = (0..<min(max(options.peers, 0), EndorsementConfiguration.maximumEndorsers)).map {
                SigningAccount.deterministic(seed: Self.endorserKeySeed, index: UInt64($0))
            }
            let endorsers = accounts.enumerated().map {
                EndorsementConfiguration.Endorser(organization: options.organization(ofPeer: $0.offset),
                                                  publicKey: $0.element.publicKey)
            }
            var genesis = pool.genesis
            genesis.endorsement = EndorsementConfiguration(policy: options.effectivePolicy, endorsers: endorsers)
            endorserAccounts = accounts
            self.genesis = genesis
            targetOrganizations = options.effectivePolicy.targetOrganizations
        } else {
            endorserAccounts = []
            genesis = pool.genesis
            targetOrganizations = []
        }
    }

    /// The seed of the peers' endorsing keys (as `FederationPlan` derives them from its own seed).
    static let endorserKeySeed: UInt64 = 0x5EED ^ 0x656E_646F_7273_6572

    /// The pool for the default shape is built once per process; other shapes build their own.
    static let defaultPool = SimulationTransactionPool(accounts: SimulationOptions().accounts,
                                                       nonces: SimulationOptions().noncesPerAccount)

    /// The contended pool of execute-order-validate's default shape, built once per process.
    static let defaultContendedPool = SimulationTransactionPool(
        accounts: SimulationOptions().accounts, nonces: SimulationOptions().proposalsPerAccount,
        sharedAccounts: SimulationOptions().sharedAccounts)

    static func sharedPool(_ options: SimulationOptions) -> SimulationTransactionPool {
        let defaults = SimulationOptions()
        switch options.flow {
        case .orderExecute:
            if options.accounts == defaults.accounts && options.noncesPerAccount == defaults.noncesPerAccount { return defaultPool }
            return SimulationTransactionPool(accounts: options.accounts, nonces: options.noncesPerAccount)
        case .executeOrderValidate:
            if options.accounts == defaults.accounts && options.proposalsPerAccount == defaults.proposalsPerAccount
                && options.sharedAccounts == defaults.sharedAccounts { return defaultContendedPool }
            return SimulationTransactionPool(accounts: options.accounts, nonces: options.proposalsPerAccount,
                                             sharedAccounts: options.sharedAccounts)
        }
    }

    /// Peer `index`'s endorsing identity, in execute-order-validate.
    func endorserIdentity(ofPeer index: Int) -> EndorserIdentity? {
        guard index < endorserAccounts.count else { return nil }
        return EndorserIdentity(index: UInt16(index), account: endorserAccounts[index])
    }

    /// The signature verdicts of a block's transactions: the pool's for proposals, the recorded ones
    /// for envelopes this run's clients signed, otherwise checked here.
    func signatureVerdicts(_ block: Block) -> [Bool] {
        block.transactions.map { transaction in
            guard let execution = transaction.execution else {
                return pool.verdicts[transaction.id] ?? transaction.hasValidSignature
            }
            if let known = envelopeVerdicts[transaction.merkleLeaf], known.signature == execution.clientSignature {
                return known.isValid
            }
            return transaction.hasValidSignature
        }
    }

    var voters: [Raft.NodeID] { (0..<options.orderers).map { Raft.NodeID(UInt64($0 + 1)) } }

    var ordererOptions: OrdererOptions {
        OrdererOptions(
            batch: options.batch, tickMilliseconds: options.tickMilliseconds,
            raft: Raft.Options(electionTimeoutTicks: options.electionTimeoutTicks, heartbeatIntervalTicks: 1,
                               preVote: swarm.preVote, checkQuorum: swarm.checkQuorum,
                               maxEntriesPerAppend: swarm.maxEntriesPerAppend,
                               maxInflightAppends: swarm.maxInflightAppends, maxUncommittedEntries: 64),
            maxPendingTransactions: 10_000, compactionRetainedEntries: options.compactionRetainedEntries,
            compactionIntervalEntries: options.compactionIntervalEntries, maxHeldBlocks: options.maxHeldBlocks,
            fetchRetryMilliseconds: options.fetchRetryMilliseconds)
    }

    func fail(_ invariant: String, _ detail: String) -> SimulationFailure {
        SimulationFailure(seed: seed, invariant: invariant, detail: detail, replay: replayCommand)
    }

    /// The command that replays this seed with this run's shape: every option that differs from
    /// the command line's defaults is named.
    var replayCommand: String {
        let defaults = SimulationOptions()
        var words = ["vernier simulate"]
        if options.orderers != defaults.orderers { words.append("--orderers \(options.orderers)") }
        if options.peers != defaults.peers { words.append("--peers \(options.peers)") }
        if options.flow == .executeOrderValidate {
            words.append("--flow \(options.flow.rawValue)")
            if options.organizations != defaults.organizations { words.append("--organizations \(options.organizations)") }
            if let policy = options.endorsementPolicy { words.append("--policy \"\(policy)\"") }
        }
        words.append("--seed \(seed)")
        return words.joined(separator: " ")
    }

    // MARK: - Running

    func run() throws -> SimulationReport {
        if options.flow == .executeOrderValidate { try checkEndorsementOptions() }
        let genesisBlock = genesis.genesisBlock
        orderers = (0..<options.orderers).map { _ in SimulatedOrderer(chain: [genesisBlock]) }
        peers = (0..<options.peers).map {
            SimulatedPeer(core: PeerCore(genesis: genesis, endorser: endorserIdentity(ofPeer: $0)), chain: [genesisBlock],
                          orderer: $0 % options.orderers)
        }
        clients = Array(repeating: Client(), count: options.accounts)
        clocks = swarm.clockRatesPermille.map { OrdererClock(ratePermille: $0) }
        recordedCommitIndex = Array(repeating: 0, count: options.orderers)
        recordSwarmCoverage()
        for index in orderers.indices { startOrderer(index) }
        queue.schedule(.tick, at: options.tickMilliseconds)
        queue.schedule(.fault, at: nextFaultDelay())
        queue.schedule(.endFaults, at: options.faultPhaseMilliseconds)

        let deadline = options.faultPhaseMilliseconds + options.settleLimitMilliseconds
        while let (time, event) = queue.pop() {
            now = time
            eventCount += 1
            guard eventCount < Self.maximumEvents else { throw fail("bounded run", "more than \(Self.maximumEvents) events") }
            try handle(event)
            if let healed = healedAtMilliseconds, now > healed, isSettled() { break }
            if now > deadline { throw fail("progress after healing", settleReport()) }
        }
        try checkFinalInvariants()
        return SimulationReport(
            seed: seed, chainHeight: UInt64(formedBlockHashes.count), acknowledgedTransactions: acknowledged.count,
            crashes: crashCount, partitions: partitionCount, leaderTerms: leaderOfTerm.count,
            simulatedMilliseconds: now, events: eventCount, compactions: compactionCount,
            snapshotsInstalled: snapshotInstallCount, blocksFetched: fetchedBlockCount, heldBlockDrops: heldBlockDropCount,
            restartsBehindSnapshot: restartsBehindSnapshotCount,
            maximumRaftLogEntries: maximumRaftLogEntries,
            validTransactions: finalCodeCounts["valid", default: 0],
            mvccReadConflicts: finalCodeCounts["mvccReadConflict", default: 0],
            duplicateTxIds: finalCodeCounts["duplicateTxId", default: 0],
            endorsementPolicyFailures: finalCodeCounts["endorsementPolicyFailure", default: 0],
            endorsementMismatches: endorsementMismatchCount, endorsementRefusals: endorsementRefusalCount,
            endorsementTimeouts: endorsementTimeoutCount, envelopeResends: envelopeResendCount,
            coverage: coverage)
    }

    func handle(_ event: Event) throws {
        switch event {
        case .deliver(let from, let to, let message):
            try deliver(message, from: from, to: to)
        case .tick:
            try tick()
            queue.schedule(.tick, at: now + options.tickMilliseconds)
        case .fault:
            guard faultsActive else { return }
            injectFault()
            queue.schedule(.fault, at: now + nextFaultDelay())
        case .restart(let address):
            try restart(address)
        case .heal:
            partitionOf = [:]
        case .endFaults:
            try endFaults()
        }
    }

    func tick() throws {
        for index in clocks.indices { clocks[index].advance(byMilliseconds: options.tickMilliseconds) }
        for index in orderers.indices where orderers[index].core != nil && now >= clocks[index].stalledUntilMilliseconds {
            orderers[index].core!.advanceClock(to: clocks[index].localMilliseconds)
            try drainOrderer(index)
            pushBlocks(from: index)
        }
        try checkLogMatching()
        for index in peers.indices where peers[index].core != nil { pollDeliver(peer: index) }
        for index in clients.indices { driveClient(index) }
    }
}
