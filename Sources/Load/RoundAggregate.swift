public import BenchmarkSpec
public import Statistics

/// What a round's figures are computed from, updated as each transaction finishes, so a round of
/// any length needs the same memory.
public struct RoundAggregate: Sendable {
    /// Transactions counted (after the warm-up).
    public private(set) var measured = 0
    public private(set) var succeeded = 0
    public private(set) var failures: [String: Int] = [:]
    /// Transactions left out as warm-up.
    public private(set) var trimmed = 0
    public private(set) var firstSentNanoseconds = UInt64.max
    public private(set) var lastSentNanoseconds: UInt64 = 0
    public private(set) var firstIntendedNanoseconds = UInt64.max
    public private(set) var lastIntendedNanoseconds: UInt64 = 0
    public private(set) var lastFinishedNanoseconds: UInt64 = 0
    public private(set) var fromIntended = LatencyDistribution()
    public private(set) var fromSent = LatencyDistribution()
    /// Transactions finished in each second of the round (the first day at most).
    public private(set) var finishedPerSecond: [Int] = []
    /// Each second's load, for a saturation analysis (the first day at most).
    public private(set) var seconds: [SecondLoad] = []
    /// Transactions the ledger carried to their end, warm-up included: committed (valid or
    /// invalid) or, for a query, answered. Per-transaction costs divide the nodes' work by it,
    /// as the nodes did that work for every one of them.
    public private(set) var processedByLedger = 0
    let trim: RoundLength?
    static let maximumSeconds = 86_400

    public init(trim: RoundLength?) { self.trim = trim }

    /// Counts a finished transaction, unless it belongs to the warm-up.
    public mutating func add(_ record: TransactionRecord) {
        switch record.outcome {
        case .succeeded, .invalid: processedByLedger += 1
        case .rejected, .timedOut, .endorsementFailed: break
        }
        switch trim {
        case .transactions(let count)? where record.index < count:
            trimmed += 1
            return
        case .duration(let duration)? where record.intendedNanoseconds < Schedules.nanoseconds(duration):
            trimmed += 1
            return
        default:
            break
        }
        measured += 1
        if let failure = record.outcome.failureClass { failures[failure, default: 0] += 1 } else { succeeded += 1 }
        firstSentNanoseconds = min(firstSentNanoseconds, record.sentNanoseconds)
        lastSentNanoseconds = max(lastSentNanoseconds, record.sentNanoseconds)
        firstIntendedNanoseconds = min(firstIntendedNanoseconds, record.intendedNanoseconds)
        lastIntendedNanoseconds = max(lastIntendedNanoseconds, record.intendedNanoseconds)
        lastFinishedNanoseconds = max(lastFinishedNanoseconds, record.finishedNanoseconds)
        let second = Int(record.finishedNanoseconds / 1_000_000_000)
        if second < Self.maximumSeconds {
            if finishedPerSecond.count <= second { finishedPerSecond += Array(repeating: 0, count: second + 1 - finishedPerSecond.count) }
            finishedPerSecond[second] += 1
            grow(&seconds, to: second)
            seconds[second].finished += 1
            if record.outcome == .succeeded { seconds[second].succeeded += 1 }
        }
        let intendedSecond = Int(record.intendedNanoseconds / 1_000_000_000)
        if intendedSecond < Self.maximumSeconds {
            grow(&seconds, to: intendedSecond)
            seconds[intendedSecond].offered += 1
            seconds[intendedSecond].latencyFromIntendedNanoseconds &+= record.finishedNanoseconds
                - min(record.finishedNanoseconds, record.intendedNanoseconds)
        }
        fromIntended.record(nanoseconds: record.finishedNanoseconds - min(record.finishedNanoseconds, record.intendedNanoseconds))
        fromSent.record(nanoseconds: record.finishedNanoseconds - min(record.finishedNanoseconds, record.sentNanoseconds))
    }

    private func grow(_ seconds: inout [SecondLoad], to second: Int) {
        if seconds.count <= second { seconds += Array(repeating: SecondLoad(), count: second + 1 - seconds.count) }
    }
}

/// One second of a round: what was offered in it and what committed in it.
public struct SecondLoad: Sendable, Hashable {
    /// Transactions intended to be sent in this second (warm-up left out).
    public var offered = 0
    /// Transactions that finished in this second, however they ended.
    public var finished = 0
    /// Transactions that finished committed valid in this second.
    public var succeeded = 0
    /// The summed latency from intended of the transactions offered in this second, however they ended.
    public var latencyFromIntendedNanoseconds: UInt64 = 0

    public init(offered: Int = 0, finished: Int = 0, succeeded: Int = 0, latencyFromIntendedNanoseconds: UInt64 = 0) {
        self.offered = offered
        self.finished = finished
        self.succeeded = succeeded
        self.latencyFromIntendedNanoseconds = latencyFromIntendedNanoseconds
    }
}
