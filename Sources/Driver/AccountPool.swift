public import LedgerCore
import Synchronization

/// One use of an account: the account, its index and the nonce this transaction carries.
public struct AccountLease: Sendable {
    public let index: Int
    public let account: SigningAccount
    public let nonce: UInt64
}

/// The benchmark's signing accounts and their nonces, with at most `window` transactions of one
/// account in flight.
///
/// Accounts are handed out round-robin among those with room in their window; a caller that finds
/// none waits, in order. After a failure or a timeout the account's later nonces cannot be trusted:
/// it is handed out again only once its transactions in flight have finished and its nonce has
/// been read back from the ledger.
public final class AccountPool: Sendable {
    public let accounts: [SigningAccount]
    public let window: Int
    private let indexByAddress: [Address: Int]
    private let state: Mutex<State>

    private struct State {
        var nextNonce: [UInt64]
        var inFlight: [Int]
        var needsResync: [Bool]
        /// Slots of resynchronising accounts, held back until their nonce is read again.
        var withheld: [Int]
        /// Account indices with a free window slot, each as many times as it has free slots.
        var available: [Int]
        var availableHead = 0
        var waiters: [CheckedContinuation<Int, Never>] = []
        var waitersHead = 0

        mutating func takeAvailable() -> Int? {
            while availableHead < available.count {
                let index = available[availableHead]
                availableHead += 1
                if availableHead > 1024, availableHead * 2 > available.count {
                    available.removeFirst(availableHead)
                    availableHead = 0
                }
                if needsResync[index] {
                    withheld[index] += 1
                    continue
                }
                return index
            }
            return nil
        }
    }

    /// `count` accounts with deterministic keys from `seed` (index 0 is kept for the regulator).
    public init(seed: UInt64, count: Int, window: Int, firstIndex: UInt64 = 1) {
        precondition(count >= 1 && window >= 1, "an account pool needs accounts and a window")
        accounts = (0..<count).map { SigningAccount.deterministic(seed: seed, index: firstIndex + UInt64($0)) }
        self.window = window
        indexByAddress = Dictionary(uniqueKeysWithValues: accounts.enumerated().map { ($1.address, $0) })
        var available: [Int] = []
        for _ in 0..<window { available.append(contentsOf: 0..<count) }
        state = Mutex(State(nextNonce: Array(repeating: 0, count: count), inFlight: Array(repeating: 0, count: count),
                            needsResync: Array(repeating: false, count: count),
                            withheld: Array(repeating: 0, count: count), available: available))
    }

    /// Takes an account with room in its window, waiting for one if need be.
    public func acquire() async -> AccountLease {
        let index: Int
        if let ready = state.withLock({ $0.takeAvailable() }) {
            index = ready
        } else {
            index = await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> Int? in
                    if let ready = state.takeAvailable() { return ready }
                    state.waiters.append(continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        }
        let nonce = state.withLock { state -> UInt64 in
            defer { state.nextNonce[index] += 1 }
            state.inFlight[index] += 1
            return state.nextNonce[index]
        }
        return AccountLease(index: index, account: accounts[index], nonce: nonce)
    }

    /// Returns a lease. After a failure the account's slots are held back; when its last transaction
    /// in flight is back, its nonce is read from the ledger with `readNonce` and its slots return.
    public func release(_ lease: AccountLease, succeeded: Bool, readNonce: @Sendable (Address) async -> UInt64?) async {
        enum Next { case handBack, holdBack, resync }
        let next = state.withLock { state -> Next in
            state.inFlight[lease.index] -= 1
            if !succeeded { state.needsResync[lease.index] = true }
            guard state.needsResync[lease.index] else { return .handBack }
            state.withheld[lease.index] += 1
            return state.inFlight[lease.index] == 0 ? .resync : .holdBack
        }
        switch next {
        case .handBack:
            hand(lease.index)
        case .holdBack:
            return
        case .resync:
            // If the ledger cannot be read the old nonce stays; a refusal then brings the next resync.
            let nonce = await readNonce(lease.account.address)
            let slots = state.withLock { state -> Int in
                if let nonce { state.nextNonce[lease.index] = nonce }
                state.needsResync[lease.index] = false
                defer { state.withheld[lease.index] = 0 }
                return state.withheld[lease.index]
            }
            for _ in 0..<slots { hand(lease.index) }
        }
    }

    /// Takes account `index`'s next nonce outside any lease: for preparation, between rounds, when
    /// none of its transactions is in flight.
    public func reserveNonce(of index: Int) -> UInt64 {
        state.withLock { state in
            defer { state.nextNonce[index] += 1 }
            return state.nextNonce[index]
        }
    }

    /// The pool index of an address, if it is one of the pool's accounts.
    public func index(of address: Address) -> Int? { indexByAddress[address] }

    /// The nonce the next lease of account `index` would carry.
    public func nextNonce(of index: Int) -> UInt64 { state.withLock { $0.nextNonce[index] } }

    private func hand(_ index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
            if state.waitersHead < state.waiters.count {
                let waiter = state.waiters[state.waitersHead]
                state.waitersHead += 1
                if state.waitersHead > 1024, state.waitersHead * 2 > state.waiters.count {
                    state.waiters.removeFirst(state.waitersHead)
                    state.waitersHead = 0
                }
                return waiter
            }
            state.available.append(index)
            return nil
        }
        waiter?.resume(returning: index)
    }
}

