import Consensus
import LedgerPrimitives

/// A kind of fault the federation simulation injects.
enum FaultKind: CaseIterable, Hashable {
    case crash
    case partition
    case leaderIsolation
    case crashBetweenPersistAndSend
    case leaderChurn
    case delayBurst
    case clockStall
}

extension SimulationOptions {
    /// Whether these options let the simulation inject `kind`.
    func allows(_ kind: FaultKind) -> Bool {
        switch kind {
        case .crash, .crashBetweenPersistAndSend, .leaderChurn: crashes
        case .partition, .leaderIsolation: partitions
        case .delayBurst: delayBursts
        case .clockStall: clockSkew
        }
    }
}

/// The shape of one seed's run, drawn from the seed (swarm testing): Raft settings, the mix of
/// faults and each orderer's clock rate, so that different seeds stress different corners.
struct SimulationSwarm {
    /// Entries per AppendEntries: 1 or 2 make a new leader's old-term entries travel apart from its no-op.
    var maxEntriesPerAppend: Int
    var maxInflightAppends: Int
    var preVote: Bool
    var checkQuorum: Bool
    /// The relative weight of each fault kind (0: not injected in this seed).
    var faultWeights: [FaultKind: Int]
    /// Each orderer's clock rate in thousandths of the simulated clock's.
    var clockRatesPermille: [Int]

    /// The fixed shape of a run without swarm testing: today's defaults, crashes and partitions only.
    init(orderers: Int, options: SimulationOptions) {
        maxEntriesPerAppend = 64
        maxInflightAppends = 16
        preVote = true
        checkQuorum = true
        faultWeights = [.crash: 1, .partition: 1]
        clockRatesPermille = Array(repeating: 1_000, count: orderers)
    }

    /// A shape drawn from `generator`.
    init(orderers: Int, options: SimulationOptions, generator: inout SeededGenerator) {
        maxEntriesPerAppend = [1, 2, 64].randomElement(using: &generator)!
        maxInflightAppends = [1, 4, 16].randomElement(using: &generator)!
        preVote = Bool.random(using: &generator)
        checkQuorum = Bool.random(using: &generator)
        var weights: [FaultKind: Int] = [:]
        for kind in FaultKind.allCases { weights[kind] = Int.random(in: 0...3, using: &generator) }
        // Plain crashes and partitions always have a share, so every seed sees the classic faults.
        weights[.crash] = max(weights[.crash]!, 1)
        weights[.partition] = max(weights[.partition]!, 1)
        faultWeights = weights
        // Rates stay within 0.8...1.25, a ratio below 2: election timeouts are drawn from [T, 2T),
        // and a node whose clock runs twice as fast (without pre-vote) holds off every election
        // of the others for ever, a liveness limit of Raft rather than a bug (seen at 1.5 vs 0.6).
        let skewed = options.clockSkew && Bool.random(using: &generator)
        clockRatesPermille = (0..<orderers).map { _ in
            skewed ? Int.random(in: 800...1_250, using: &generator) : 1_000
        }
    }
}

/// An orderer's local clock: it runs at its own rate and can stall (then jumps ahead).
struct OrdererClock {
    var ratePermille: Int
    /// Local time in microseconds, so that slow rates do not round away.
    var localMicroseconds: UInt64 = 0
    /// While the simulated time is below this, the orderer is not told the time.
    var stalledUntilMilliseconds: UInt64 = 0

    var localMilliseconds: UInt64 { localMicroseconds / 1_000 }

    /// Moves the local clock on by `elapsedMilliseconds` of simulated time.
    mutating func advance(byMilliseconds elapsedMilliseconds: UInt64) {
        localMicroseconds += elapsedMilliseconds * UInt64(ratePermille)
    }
}
