import Testing
@testable import Contracts
@testable import LedgerCore
import LedgerPrimitives

/// A ledger under test: a genesis whose regulator is a deterministic account, signing accounts,
/// the nonce each account uses next, and blocks built one at a time on the head.
struct LedgerHarness {
    static let seed: UInt64 = 7

    let regulator: SigningAccount
    private(set) var ledger: Ledger
    /// The nonce each account puts on its next transaction (by address).
    private(set) var nonces: [Address: UInt64] = [:]
    /// Every block applied so far, in order, for replaying on another ledger.
    private(set) var appliedBlocks: [Block] = []

    init(chainId: String = "vernier-tests") {
        regulator = Self.account(0)
        ledger = Ledger(genesis: GenesisConfiguration(chainId: chainId, regulator: regulator.address))
    }

    /// The deterministic account number `index` of the tests (0 is the regulator).
    static func account(_ index: UInt64) -> SigningAccount {
        SigningAccount.deterministic(seed: seed, index: index)
    }

    /// Signs `call` with `account`'s next nonce and counts the nonce as used.
    mutating func transaction(_ account: SigningAccount, _ call: ContractCall) -> Transaction {
        let nonce = nonces[account.address] ?? 0
        nonces[account.address] = nonce + 1
        return Transaction(signedBy: account, nonce: nonce, call: call)
    }

    /// Builds the block after the head holding `transactions`.
    func block(_ transactions: [Transaction], atMilliseconds now: UInt64) -> Block {
        let height = ledger.height + 1
        return Block(height: height, previousHash: ledger.headHash, timestampMilliseconds: now,
                     seal: .raft(term: 1, index: height), transactions: transactions)
    }

    /// Applies one block of already-built transactions and returns their codes.
    @discardableResult
    mutating func apply(_ transactions: [Transaction], atMilliseconds now: UInt64) throws -> [ValidationCode] {
        let block = block(transactions, atMilliseconds: now)
        let codes = try ledger.apply(block)
        appliedBlocks.append(block)
        return codes
    }

    /// Signs every call with its account's next nonce, puts them in one block and applies it.
    @discardableResult
    mutating func submit(
        _ calls: [(SigningAccount, ContractCall)], atMilliseconds now: UInt64
    ) throws -> [ValidationCode] {
        let transactions = calls.map { transaction($0.0, $0.1) }
        return try apply(transactions, atMilliseconds: now)
    }

    /// Submits one call in its own block and returns its code.
    @discardableResult
    mutating func submit(
        _ account: SigningAccount, _ call: ContractCall, atMilliseconds now: UInt64
    ) throws -> ValidationCode {
        try submit([(account, call)], atMilliseconds: now)[0]
    }

    /// Sets the nonce the harness hands out next, for transactions that did not advance it.
    mutating func setNonce(_ nonce: UInt64, of account: SigningAccount) {
        nonces[account.address] = nonce
    }

    /// Evaluates a read-only call as `sender` on the current state.
    func evaluate(
        _ call: ContractCall, as sender: SigningAccount, atMilliseconds now: UInt64 = 0
    ) -> Result<ContractOutput, ContractError> {
        ledger.evaluate(call, sender: sender.address, atMilliseconds: now)
    }

    /// Runs any call (read-only or not) as `sender` on a scratch view of the current state and
    /// returns its output, as an endorsing peer would simulate it; the ledger does not change.
    func simulate(
        _ call: ContractCall, as sender: SigningAccount, atMilliseconds now: UInt64,
        transactionId: Hash256 = .zero
    ) -> Result<ContractOutput, ContractError> {
        let context = ExecutionContext(sender: sender.address, transactionId: transactionId,
                                       nowMilliseconds: now, height: ledger.height + 1)
        var view = StateView(base: ledger.state, blockWrites: [:])
        do {
            return .success(try call.execute(in: context, state: &view))
        } catch {
            return .failure(error)
        }
    }

    /// The stored record under `key`, if any.
    func record<Value: CanonicalCodable>(_ key: StateKey, as type: Value.Type = Value.self) -> Value? {
        StateView(base: ledger.state, blockWrites: [:]).record(key, as: type)
    }

    /// The balance of a simple-contract account, or the refusal of the query.
    func balance(_ account: String) -> Result<ContractOutput, ContractError> {
        ledger.evaluate(.simple(.query(account: account)), sender: regulator.address, atMilliseconds: 0)
    }
}
