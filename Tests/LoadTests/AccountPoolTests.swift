@testable import LedgerCore
import LedgerPrimitives
@testable import Node
import Synchronization
import Testing
@testable import Consensus
@testable import Load

/// A target that answers after a fixed delay and records, per account, how many of its
/// transactions were in flight at once.
final class CountingTarget: BenchmarkTarget {
    let delay: Duration
    private let state = Mutex<(inFlight: [Int: Int], most: [Int: Int], nonces: [Int: [UInt64]])>(([:], [:], [:]))

    init(delay: Duration) { self.delay = delay }

    /// The most transactions of each account that were in flight together.
    var mostInFlight: [Int: Int] { state.withLock { $0.most } }
    /// Each account's nonces in the order they were sent.
    var noncesSent: [Int: [UInt64]] { state.withLock { $0.nonces } }

    func submit(_ transaction: Transaction, signer: SigningAccount, account: Int, timeout: Duration) async -> TransactionTrace {
        let clock = ContinuousClock()
        let sent = clock.now
        state.withLock { state in
            state.inFlight[account, default: 0] += 1
            state.most[account] = max(state.most[account] ?? 0, state.inFlight[account]!)
            state.nonces[account, default: []].append(transaction.nonce)
        }
        try? await Task.sleep(for: delay)
        state.withLock { $0.inFlight[account, default: 0] -= 1 }
        return TransactionTrace(id: transaction.id, sent: sent, acknowledged: sent, finished: clock.now,
                                outcome: .committed(.valid, height: 1))
    }

    func query(_ signedCall: Transaction, account: Int, timeout: Duration) async -> TransactionTrace {
        await submit(signedCall, signer: SigningAccount.deterministic(seed: 0, index: 0), account: account, timeout: timeout)
    }

    func nextNonce(of address: Address) async -> UInt64? { nil }

    func submitInOrder(_ transactions: [Transaction], signer: SigningAccount, account: Int, timeout: Duration) async -> [TransactionTrace] {
        var traces: [TransactionTrace] = []
        for transaction in transactions { traces.append(await submit(transaction, signer: signer, account: account, timeout: timeout)) }
        return traces
    }
}

@Suite("Account pool")
struct AccountPoolTests {
    /// A round with `accounts: 3` of a pool of 8 signs transaction i with account i mod 3: each of
    /// the three sends its share (4, 3, 3 of 10), one at a time and in nonce order; the other
    /// five accounts are never used.
    @Test func aRoundsAccountsEachSendTheirShareInOrder() async {
        let pool = AccountPool(seed: 5, count: 8, window: 1)
        let target = CountingTarget(delay: .milliseconds(5))
        let generator = WorkloadGenerator(workload: .noop, context: WorkloadContext(seed: 5, accounts: pool, startMilliseconds: 0))
        let runner = RoundRunner(target: target, generator: generator, accounts: pool, assignedAccounts: 3)
        let recording = await runner.run(label: "shares", length: .transactions(10), schedule: FixedRateSchedule(tps: 10_000))
        #expect(recording.aggregate.succeeded == 10)
        var shares: [Int: Int] = [:]
        for record in recording.records { shares[record.account, default: 0] += 1 }
        #expect(shares == [0: 4, 1: 3, 2: 3])
        for record in recording.records { #expect(record.account == record.index % 3) }
        #expect(target.mostInFlight == [0: 1, 1: 1, 2: 1])
        #expect(target.noncesSent == [0: [0, 1, 2, 3], 1: [0, 1, 2], 2: [0, 1, 2]])
        #expect((0..<8).map(pool.nextNonce(of:)) == [4, 3, 3, 0, 0, 0, 0, 0])
    }

    /// Named and unnamed leases share one window: an account taken by name is not handed out
    /// again until it is back, and a caller waiting for any account gets the first one returned.
    @Test func namedLeasesShareTheWindow() async {
        let pool = AccountPool(seed: 5, count: 3, window: 1)
        let named = await pool.acquire(account: 0)
        let first = await pool.acquire()
        let second = await pool.acquire()
        #expect([named.index, first.index, second.index] == [0, 1, 2])
        let waiting = Task { await pool.acquire() }
        try? await Task.sleep(for: .milliseconds(20))
        await pool.release(first, succeeded: true) { _ in nil }
        let third = await waiting.value
        #expect(third.index == 1)
        #expect(third.nonce == 1)
        await pool.release(named, succeeded: true) { _ in nil }
        await pool.release(second, succeeded: true) { _ in nil }
        await pool.release(third, succeeded: true) { _ in nil }
        // Everything is back: round-robin hands out every account once before any twice.
        var indices: [Int] = []
        for _ in 0..<3 { indices.append(await pool.acquire().index) }
        #expect(Set(indices) == [0, 1, 2])
    }

    /// After a failure an account named by a round waits until its nonce is read back, and then
    /// carries the ledger's nonce.
    @Test func aNamedAccountResynchronisesAfterAFailure() async {
        let pool = AccountPool(seed: 5, count: 2, window: 1)
        let failed = await pool.acquire(account: 1)
        #expect(failed.nonce == 0)
        let next = Task { await pool.acquire(account: 1) }
        try? await Task.sleep(for: .milliseconds(20))
        await pool.release(failed, succeeded: false) { _ in 7 }
        let lease = await next.value
        #expect(lease.index == 1)
        #expect(lease.nonce == 7)
    }
}
