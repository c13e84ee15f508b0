import LedgerCore
import LedgerPrimitives

/// Fabric's batch limits: a block is cut at a count, at a preferred size, or after a timeout.
public struct BatchOptions: Sendable, Hashable, Codable {
    /// Cut when this many transactions wait.
    public var maxMessageCount: Int
    /// Cut before a transaction would take the batch past this many bytes.
    public var preferredMaxBytes: Int
    /// A transaction larger than this is refused outright.
    public var absoluteMaxBytes: Int
    /// Cut when the oldest waiting transaction has waited this long.
    public var batchTimeoutMilliseconds: UInt64

    public init(maxMessageCount: Int = 500, preferredMaxBytes: Int = 2 * 1_048_576,
                absoluteMaxBytes: Int = 10 * 1_048_576, batchTimeoutMilliseconds: UInt64 = 250) {
        precondition(maxMessageCount >= 1 && preferredMaxBytes >= 1 && absoluteMaxBytes >= preferredMaxBytes,
                     "batch limits must be positive and preferred <= absolute")
        self.maxMessageCount = maxMessageCount
        self.preferredMaxBytes = preferredMaxBytes
        self.absoluteMaxBytes = absoluteMaxBytes
        self.batchTimeoutMilliseconds = batchTimeoutMilliseconds
    }
}

/// Groups transactions into batches the way Fabric's orderer cuts blocks. Pure: time is an input.
struct BlockCutter: Sendable {
    public let options: BatchOptions
    /// Transactions waiting for the next cut.
    public private(set) var pending: [Transaction] = []
    /// Encoded bytes of `pending`.
    public private(set) var pendingBytes = 0
    /// When the oldest pending transaction arrived.
    public private(set) var oldestArrivalMilliseconds: UInt64?

    public init(options: BatchOptions) {
        self.options = options
    }

    /// Adds a transaction of `size` encoded bytes; returns the batches this cut (zero, one or two).
    public mutating func add(_ transaction: Transaction, size: Int, nowMilliseconds: UInt64) -> [[Transaction]] {
        var batches: [[Transaction]] = []
        if size > options.preferredMaxBytes {
            // Too big to share a batch: cut what waits, then this one alone.
            if let batch = cut() { batches.append(batch) }
            batches.append([transaction])
            return batches
        }
        if pendingBytes + size > options.preferredMaxBytes, let batch = cut() {
            batches.append(batch)
        }
        if pending.isEmpty { oldestArrivalMilliseconds = nowMilliseconds }
        pending.append(transaction)
        pendingBytes += size
        if pending.count >= options.maxMessageCount, let batch = cut() {
            batches.append(batch)
        }
        return batches
    }

    /// The batch whose timeout has passed at `now`, if any.
    public mutating func cutIfTimedOut(nowMilliseconds: UInt64) -> [Transaction]? {
        guard let oldest = oldestArrivalMilliseconds,
              nowMilliseconds >= oldest + options.batchTimeoutMilliseconds else { return nil }
        return cut()
    }

    /// Takes whatever waits, as one batch.
    public mutating func cut() -> [Transaction]? {
        guard !pending.isEmpty else { return nil }
        defer {
            pending = []
            pendingBytes = 0
            oldestArrivalMilliseconds = nil
        }
        return pending
    }
}

/// What a Raft entry of the ordering service carries: a batch and the leader's time when it was cut.
struct OrderedBatch: Sendable, Hashable, CanonicalCodable {
    public var timestampMilliseconds: UInt64
    public var transactions: [Transaction]

    public init(timestampMilliseconds: UInt64, transactions: [Transaction]) {
        self.timestampMilliseconds = timestampMilliseconds
        self.transactions = transactions
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(timestampMilliseconds)
        writer.write(transactions)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        timestampMilliseconds = try reader.readUInt64("batch.timestamp")
        transactions = try reader.readArray("batch.transactions")
    }
}
