public import LedgerCore
public import LedgerPrimitives

/// Bounds of a proof-of-work node's transaction pool.
public struct MempoolOptions: Sendable, Hashable, Codable {
    /// The most transactions held in all.
    public var maxTransactions: Int
    /// The most transactions held for one account; also how far ahead of the account's next
    /// nonce a transaction may be (a nonce further ahead could never fit).
    public var maxTransactionsPerAccount: Int

    public init(maxTransactions: Int = 10_000, maxTransactionsPerAccount: Int = 64) {
        precondition(maxTransactions >= 1 && maxTransactionsPerAccount >= 1, "a mempool holds at least one transaction")
        self.maxTransactions = maxTransactions
        self.maxTransactionsPerAccount = maxTransactionsPerAccount
    }
}

/// Why the mempool did not take a transaction.
public enum MempoolRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The same transaction (same id) is already held.
    case duplicate
    /// Its nonce is below the account's next nonce on the chain: already used (a replay).
    case replay(nextNonce: UInt64)
    /// Another transaction of the account holds this nonce; no replacement without fees.
    case nonceTaken
    /// Its nonce is too far ahead of the account's next nonce for the per-account bound.
    case nonceTooFarAhead(nextNonce: UInt64)
    /// The account already has its most transactions waiting.
    case accountFull
    /// The pool holds its most transactions.
    case poolFull

    public var description: String {
        switch self {
        case .duplicate: "already in the mempool"
        case .replay(let next): "nonce already used (next is \(next))"
        case .nonceTaken: "another transaction holds this nonce"
        case .nonceTooFarAhead(let next): "nonce too far ahead of \(next)"
        case .accountFull: "the account's queue is full"
        case .poolFull: "the mempool is full"
        }
    }
}

/// Where an accepted transaction waits.
public enum MempoolAdmission: Sendable, Hashable {
    /// Its nonce follows the account's chain nonce without a gap: it can go in the next block.
    case ready
    /// A lower nonce is missing; it waits until the gap fills.
    case waitingForGap(missingNonce: UInt64)
}

/// Transactions waiting for a block, per account in nonce order.
///
/// The pool knows each account's next nonce on the current chain only through the values its
/// owner passes in (the chain state lives in the node's ledger). A transaction is *ready* when it
/// and every lower nonce of its account down to the chain's next nonce are held; others wait for
/// their gap. Bounded overall and per account; every operation is deterministic (no dictionary
/// order leaks into results).
public struct Mempool: Sendable {
    public let options: MempoolOptions
    /// Each account's waiting transactions, ascending by nonce.
    private var queues: [Address: [Transaction]] = [:]
    private var ids: Set<Hash256> = []

    public init(options: MempoolOptions = MempoolOptions()) {
        self.options = options
    }

    /// How many transactions are held.
    public var count: Int { ids.count }

    public var isEmpty: Bool { ids.isEmpty }

    public func contains(_ id: Hash256) -> Bool { ids.contains(id) }

    /// The account's waiting transactions, in nonce order.
    public func transactions(of account: Address) -> [Transaction] { queues[account] ?? [] }

    /// Every held transaction, by account then nonce.
    public var allTransactions: [Transaction] {
        queues.keys.sorted().flatMap { queues[$0]! }
    }

    /// Takes a transaction whose signature was already checked.
    ///
    /// - Parameter chainNextNonce: the sender's next nonce on the current chain.
    public mutating func add(_ transaction: Transaction, chainNextNonce: UInt64) -> Result<MempoolAdmission, MempoolRefusal> {
        guard !ids.contains(transaction.id) else { return .failure(.duplicate) }
        guard transaction.nonce >= chainNextNonce else { return .failure(.replay(nextNonce: chainNextNonce)) }
        guard transaction.nonce - chainNextNonce < UInt64(options.maxTransactionsPerAccount) else {
            return .failure(.nonceTooFarAhead(nextNonce: chainNextNonce))
        }
        var queue = queues[transaction.sender] ?? []
        let position = queue.partitioningIndex { $0.nonce >= transaction.nonce }
        if position < queue.count, queue[position].nonce == transaction.nonce { return .failure(.nonceTaken) }
        guard queue.count < options.maxTransactionsPerAccount else { return .failure(.accountFull) }
        guard ids.count < options.maxTransactions else { return .failure(.poolFull) }
        queue.insert(transaction, at: position)
        queues[transaction.sender] = queue
        ids.insert(transaction.id)
        return .success(Self.admission(of: transaction.nonce, in: queue, chainNextNonce: chainNextNonce))
    }

    /// Drops the account's transactions whose nonces the chain has used (included, or replaced by
    /// another transaction with the same nonce).
    public mutating func prune(account: Address, chainNextNonce: UInt64) {
        guard var queue = queues[account] else { return }
        let kept = queue.partitioningIndex { $0.nonce >= chainNextNonce }
        guard kept > 0 else { return }
        for transaction in queue[..<kept] { ids.remove(transaction.id) }
        queue.removeFirst(kept)
        queues[account] = queue.isEmpty ? nil : queue
    }

    /// Removes one transaction by id, if held (whatever its nonce).
    public mutating func remove(_ transaction: Transaction) {
        guard ids.remove(transaction.id) != nil, var queue = queues[transaction.sender] else { return }
        queue.removeAll { $0.id == transaction.id }
        queues[transaction.sender] = queue.isEmpty ? nil : queue
    }

    /// Up to `limit` ready transactions for a block, fair across accounts and deterministic.
    ///
    /// Accounts take turns in address order, one transaction per turn, starting at the account
    /// `rotation` places into that order (pass the block height, so no account always goes
    /// first); within an account, nonces follow each other from the chain's next nonce.
    public func selectForBlock(limit: Int, rotation: UInt64, chainNextNonce: (Address) -> UInt64) -> [Transaction] {
        guard limit > 0, !queues.isEmpty else { return [] }
        var accounts = queues.keys.sorted()
        let start = Int(rotation % UInt64(accounts.count))
        accounts = Array(accounts[start...] + accounts[..<start])
        // Each account's ready run: the prefix of its queue with consecutive nonces.
        var runs: [ArraySlice<Transaction>] = accounts.map { account in
            let queue = queues[account]!
            var expected = chainNextNonce(account)
            var end = queue.startIndex
            while end < queue.endIndex, queue[end].nonce == expected {
                expected += 1
                end += 1
            }
            return queue[queue.startIndex..<end]
        }
        var selected: [Transaction] = []
        var progressed = true
        while selected.count < limit, progressed {
            progressed = false
            for index in runs.indices where selected.count < limit {
                guard let next = runs[index].popFirst() else { continue }
                selected.append(next)
                progressed = true
            }
        }
        return selected
    }

    private static func admission(of nonce: UInt64, in queue: [Transaction], chainNextNonce: UInt64) -> MempoolAdmission {
        var expected = chainNextNonce
        for held in queue {
            guard held.nonce == expected else { break }
            if held.nonce == nonce { return .ready }
            expected += 1
        }
        return .waitingForGap(missingNonce: expected)
    }
}

extension Array {
    /// The first index whose element satisfies `belongsInSecondPartition`, for an array already
    /// partitioned by it (binary search).
    func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Int {
        var low = startIndex, high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if belongsInSecondPartition(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
