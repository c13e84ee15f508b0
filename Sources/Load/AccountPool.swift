public import LedgerCore
public import LedgerPrimitives
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
/// `acquire()` hands out accounts round-robin among those with room in their window; a caller that
/// finds none waits, in order. `acquire(account:)` waits for one named account instead, so a round
/// can give each of its accounts a fixed share of the transactions. After a failure or a timeout
/// the account's later nonces cannot be trusted: it is handed out again only once its transactions
/// in flight have finished and its nonce has been read back from the ledger.
public final class AccountPool: Sendable {
    public let accounts: [SigningAccount]
    public let window: Int
    private let indexByAddress: [Address: Int]
    private let state: Mutex<State>

    private struct State {
        let window: Int
        var nextNonce: [UInt64]
        var inFlight: [Int]
        var needsResync: [Bool]
        /// Whether the account is in `ready`.
        var queued: [Bool]
        /// Accounts that had room in their window when they were queued, each at most once, in the
        /// order they got it. An entry is checked again when it is taken (an account taken by name
        /// in between may have filled its window).
        var ready: [Int]
        var readyHead = 0
        /// Callers of `acquire()`, in order.
        var waiters: [CheckedContinuation<Int, Never>] = []
        var waitersHead = 0
        /// Callers of `acquire(account:)`, per account, in order.
        var namedWaiters: [Int: [CheckedContinuation<Int, Never>]] = [:]

        /// Whether account `index` may have one more transaction in flight.
        func hasRoom(_ index: Int) -> Bool { !needsResync[index] && inFlight[index] < window }

        /// Takes the first queued account with room, counting it in flight.
        mutating func takeReady() -> Int? {
            while readyHead < ready.count {
                let index = ready[readyHead]
                readyHead += 1
                if readyHead > 1024, readyHead * 2 > ready.count {
                    ready.removeFirst(readyHead)
                    readyHead = 0
                }
                queued[index] = false
                guard hasRoom(index) else { continue }
                inFlight[index] += 1
                if hasRoom(index) { enqueue(index) }
                return index
            }
            return nil
        }

        /// Takes account `index` for a caller that names it, unless it is full or others wait for it.
        mutating func takeNamed(_ index: Int) -> Bool {
            guard hasRoom(index), namedWaiters[index] == nil else { return false }
            inFlight[index] += 1
            return true
        }

        mutating func enqueue(_ index: Int) {
            guard !queued[index] else { return }
            queued[index] = true
            ready.append(index)
        }

        /// Gives account `index`'s free room to those waiting for it by name, then to those
        /// waiting for any account, and queues what is left; returns the callers to resume.
        mutating func offer(_ index: Int) -> [CheckedContinuation<Int, Never>] {
            var resumed: [CheckedContinuation<Int, Never>] = []
            while hasRoom(index), var named = namedWaiters[index], !named.isEmpty {
                resumed.append(named.removeFirst())
                namedWaiters[index] = named.isEmpty ? nil : named
                inFlight[index] += 1
            }
            while hasRoom(index), waitersHead < waiters.count {
                resumed.append(waiters[waitersHead])
                waitersHead += 1
                if waitersHead > 1024, waitersHead * 2 > waiters.count {
                    waiters.removeFirst(waitersHead)
                    waitersHead = 0
                }
                inFlight[index] += 1
            }
            if hasRoom(index) { enqueue(index) }
            return resumed
        }
    }

    /// `count` accounts with deterministic keys from `seed` (index 0 is kept for the regulator).
    public init(seed: UInt64, count: Int, window: Int, firstIndex: UInt64 = 1) {
        precondition(count >= 1 && window >= 1, "an account pool needs accounts and a window")
        accounts = (0..<count).map { SigningAccount.deterministic(seed: seed, index: firstIndex + UInt64($0)) }
        self.window = window
        indexByAddress = Dictionary(uniqueKeysWithValues: accounts.enumerated().map { ($1.address, $0) })
        state = Mutex(State(window: window, nextNonce: Array(repeating: 0, count: count),
                            inFlight: Array(repeating: 0, count: count), needsResync: Array(repeating: false, count: count),
                            queued: Array(repeating: true, count: count), ready: Array(0..<count)))
    }

    /// Takes an account with room in its window, waiting for one if need be.
    public func acquire() async -> AccountLease {
        let index: Int
        if let ready = state.withLock({ $0.takeReady() }) {
            index = ready
        } else {
            index = await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> Int? in
                    if let ready = state.takeReady() { return ready }
                    state.waiters.append(continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        }
        return lease(index)
    }

    /// Takes account `index`, waiting (behind earlier callers that named it) until its window has
    /// room and its nonce is known.
    public func acquire(account index: Int) async -> AccountLease {
        precondition(accounts.indices.contains(index), "account \(index) is not in the pool")
        if !state.withLock({ $0.takeNamed(index) }) {
            _ = await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> Bool in
                    if state.takeNamed(index) { return true }
                    state.namedWaiters[index, default: []].append(continuation)
                    return false
                }
                if immediate { continuation.resume(returning: index) }
            }
        }
        return lease(index)
    }

    /// The lease of an account already counted in flight: its next nonce.
    private func lease(_ index: Int) -> AccountLease {
        let nonce = state.withLock { state -> UInt64 in
            defer { state.nextNonce[index] += 1 }
            return state.nextNonce[index]
        }
        return AccountLease(index: index, account: accounts[index], nonce: nonce)
    }

    /// Returns a lease. After a failure the account is held back; when its last transaction in
    /// flight is back, its nonce is read from the ledger with `readNonce` and it is offered again.
    public func release(_ lease: AccountLease, succeeded: Bool, readNonce: @Sendable (Address) async -> UInt64?) async {
        enum Next { case resume([CheckedContinuation<Int, Never>]), holdBack, resync }
        let next = state.withLock { state -> Next in
            state.inFlight[lease.index] -= 1
            if !succeeded { state.needsResync[lease.index] = true }
            guard state.needsResync[lease.index] else { return .resume(state.offer(lease.index)) }
            return state.inFlight[lease.index] == 0 ? .resync : .holdBack
        }
        let resumed: [CheckedContinuation<Int, Never>]
        switch next {
        case .resume(let waiters):
            resumed = waiters
        case .holdBack:
            return
        case .resync:
            // If the ledger cannot be read the old nonce stays; a refusal then brings the next resync.
            let nonce = await readNonce(lease.account.address)
            resumed = state.withLock { state in
                if let nonce { state.nextNonce[lease.index] = nonce }
                state.needsResync[lease.index] = false
                return state.offer(lease.index)
            }
        }
        for waiter in resumed { waiter.resume(returning: lease.index) }
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
}
