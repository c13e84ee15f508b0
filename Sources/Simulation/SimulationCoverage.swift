/// What a simulated run explored: how many of each fault it injected and how often it reached
/// each state that tells a correct Raft federation from a subtly wrong one.
///
/// A value returned with every run's report; `adding(_:)` sums runs, counting also how many
/// seeds reached each item, so a user of `vernier simulate` sees that N seeds explored something.
public struct SimulationCoverage: Sendable, Hashable, Codable {
    /// One counted fault or state.
    public enum Item: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
        // Faults injected.
        case crash
        case partition
        case leaderIsolation
        case crashBetweenPersistAndSend
        case leaderChurn
        case delayBurst
        case clockStall
        case skewedClock
        // States reached.
        case leaderChangeWithOlderTermEntriesOnMinority
        case olderTermEntriesCommittedThroughNewerEntry
        case newLeaderCrashedBeforeSendingNoop
        case uncommittedEntriesTruncated
        case staleTermMessageDelivered
        case crossTermReorderingDelivered
        case leaderSteppedDownOnHigherTerm
        case restartFromSnapshot
        case restartBehindSnapshot
        case snapshotInstalled
        case smallAppendBatches
        case withoutPreVote
        case withoutCheckQuorum
        case peerCatchUpThenApply
        case redeliveredBlockIgnored

        /// Whether this item counts an injected fault (otherwise a state reached).
        public var isFault: Bool {
            switch self {
            case .crash, .partition, .leaderIsolation, .crashBetweenPersistAndSend, .leaderChurn, .delayBurst,
                 .clockStall, .skewedClock:
                true
            default:
                false
            }
        }

        /// A short phrase saying what is counted.
        public var summary: String {
            switch self {
            case .crash: "crash of a random node (restarts from what it persisted)"
            case .partition: "random partition of every node into two sides"
            case .leaderIsolation: "leader cut off with a minority while clients still reach it"
            case .crashBetweenPersistAndSend: "orderer crashed after persisting a Ready, before sending it"
            case .leaderChurn: "leader crashed before its new entries leave it, then the next leader before its no-op does"
            case .delayBurst: "window in which Raft messages are held back up to 1.5 s"
            case .clockStall: "orderer clock paused, then jumped"
            case .skewedClock: "orderer whose clock runs faster or slower than the others"
            case .leaderChangeWithOlderTermEntriesOnMinority:
                "new leader while a minority holds uncommitted older-term entries it lacks"
            case .olderTermEntriesCommittedThroughNewerEntry:
                "older-term entries committed only through a newer-term entry (Raft 5.4.2)"
            case .newLeaderCrashedBeforeSendingNoop: "new leader crashed with its no-op persisted, unsent"
            case .uncommittedEntriesTruncated: "follower's conflicting uncommitted entries overwritten"
            case .staleTermMessageDelivered: "Raft message of an older term delivered"
            case .crossTermReorderingDelivered: "Raft message delivered after a newer-term one on its link"
            case .leaderSteppedDownOnHigherTerm: "leader stepped down on a message of a higher term"
            case .restartFromSnapshot: "orderer restarted from a persisted snapshot"
            case .restartBehindSnapshot: "orderer restarted with its block store behind its snapshot"
            case .snapshotInstalled: "snapshot installed from a leader"
            case .smallAppendBatches: "run with one or two entries per AppendEntries"
            case .withoutPreVote: "run without pre-vote"
            case .withoutCheckQuorum: "run without check-quorum (no leader lease)"
            case .peerCatchUpThenApply: "peer found a gap, caught up and applied the missing blocks"
            case .redeliveredBlockIgnored: "peer was delivered a block it had applied, and ignored it"
            }
        }

        public static func < (lhs: Item, rhs: Item) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// How many times each item occurred.
    public private(set) var counts: [Item: Int] = [:]
    /// How many runs reached each item at least once.
    public private(set) var runsReaching: [Item: Int] = [:]
    /// How many runs are summed here.
    public private(set) var runs: Int

    /// Creates the empty coverage of `runs` runs (1 for a run being recorded).
    public init(runs: Int = 1) {
        self.runs = runs
    }

    /// Counts one more occurrence of `item` (a run's own recording).
    mutating func record(_ item: Item, times: Int = 1) {
        guard times > 0 else { return }
        counts[item, default: 0] += times
        runsReaching[item] = 1
    }

    /// How many times `item` occurred.
    public func count(_ item: Item) -> Int { counts[item, default: 0] }

    /// How many runs reached `item`.
    public func runsReaching(_ item: Item) -> Int { runsReaching[item, default: 0] }

    /// Sums another run (or sum of runs) into this one.
    public mutating func add(_ other: SimulationCoverage) {
        runs += other.runs
        for (item, count) in other.counts { counts[item, default: 0] += count }
        for (item, reached) in other.runsReaching { runsReaching[item, default: 0] += reached }
    }

    /// The items never reached.
    public var unreached: [Item] { Item.allCases.filter { count($0) == 0 } }

    /// One line per item: count, runs reaching it, what it is; faults first.
    public var lines: [String] {
        let width = max(Item.allCases.map { "\(count($0))".count }.max() ?? 1, 5)
        func line(_ item: Item) -> String {
            let number = "\(count(item))"
            let seeds = "\(runsReaching(item))"
            return "  " + String(repeating: " ", count: width - number.count) + number
                + "  in " + String(repeating: " ", count: max(0, "\(runs)".count - seeds.count)) + seeds
                + " of \(runs) seeds  \(item.rawValue): \(item.summary)"
        }
        return ["faults injected:"] + Item.allCases.filter(\.isFault).map(line)
            + ["states reached:"] + Item.allCases.filter { !$0.isFault }.map(line)
    }
}
