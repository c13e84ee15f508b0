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
    let trim: RoundLength?
    static let maximumSeconds = 86_400

    public init(trim: RoundLength?) { self.trim = trim }

    /// Counts a finished transaction, unless it belongs to the warm-up.
    public mutating func add(_ record: TransactionRecord) {
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
        }
        fromIntended.record(nanoseconds: record.finishedNanoseconds - min(record.finishedNanoseconds, record.intendedNanoseconds))
        fromSent.record(nanoseconds: record.finishedNanoseconds - min(record.finishedNanoseconds, record.sentNanoseconds))
    }
}
