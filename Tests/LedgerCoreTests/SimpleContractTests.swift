import Testing
import Contracts
@testable import LedgerCore

/// Caliper's `simple` contract: open, query, transfer, delete, with exact refusal codes.
@Suite struct SimpleContractTests {
    let alice = LedgerHarness.account(1)
    let bob = LedgerHarness.account(2)

    private func open(_ account: String, _ money: UInt64) -> ContractCall {
        .simple(.open(account: account, money: money))
    }

    private func transfer(_ from: String, _ to: String, _ amount: UInt64) -> ContractCall {
        .simple(.transfer(from: from, to: to, amount: amount))
    }

    @Test func openCreatesAccountWithItsMoney() throws {
        var harness = LedgerHarness()
        #expect(try harness.submit(alice, open("a1", 500), atMilliseconds: 1_000) == .valid)
        #expect(harness.balance("a1") == .success(.balance(500)))
    }

    @Test func openExistingAccountIsRefusedAndKeepsTheBalance() throws {
        var harness = LedgerHarness()
        try harness.submit(alice, open("a1", 500), atMilliseconds: 1_000)
        #expect(try harness.submit(bob, open("a1", 9), atMilliseconds: 2_000) == .contractError(.accountExists))
        #expect(harness.balance("a1") == .success(.balance(500)))
    }

    @Test func openTwiceInOneBlockRefusesTheSecond() throws {
        var harness = LedgerHarness()
        let codes = try harness.submit([(alice, open("a1", 1)), (bob, open("a1", 2))], atMilliseconds: 1_000)
        #expect(codes == [.valid, .contractError(.accountExists)])
        #expect(harness.balance("a1") == .success(.balance(1)))
    }

    @Test func queryOfMissingAccountIsRefused() throws {
        var harness = LedgerHarness()
        #expect(harness.balance("nobody") == .failure(.accountMissing))
        #expect(try harness.submit(alice, .simple(.query(account: "nobody")), atMilliseconds: 1_000)
            == .contractError(.accountMissing))
    }

    @Test func queryReturnsTheBalanceWithoutWriting() throws {
        var harness = LedgerHarness()
        try harness.submit(alice, open("a1", 42), atMilliseconds: 1_000)
        let digest = harness.ledger.state.digest
        #expect(harness.evaluate(.simple(.query(account: "a1")), as: bob) == .success(.balance(42)))
        #expect(harness.ledger.state.digest == digest)
        #expect(harness.ledger.height == 1)
    }

    @Test func transferMovesMoney() throws {
        var harness = LedgerHarness()
        try harness.submit([(alice, open("a1", 100)), (bob, open("b1", 5))], atMilliseconds: 1_000)
        #expect(try harness.submit(alice, transfer("a1", "b1", 30), atMilliseconds: 2_000) == .valid)
        #expect(harness.balance("a1") == .success(.balance(70)))
        #expect(harness.balance("b1") == .success(.balance(35)))
        // The whole balance may move.
        #expect(try harness.submit(alice, transfer("a1", "b1", 70), atMilliseconds: 3_000) == .valid)
        #expect(harness.balance("a1") == .success(.balance(0)))
        #expect(harness.balance("b1") == .success(.balance(105)))
    }

    @Test func transferToItselfKeepsTheBalance() throws {
        var harness = LedgerHarness()
        try harness.submit(alice, open("a1", 100), atMilliseconds: 1_000)
        #expect(try harness.submit(alice, transfer("a1", "a1", 60), atMilliseconds: 2_000) == .valid)
        #expect(harness.balance("a1") == .success(.balance(100)))
        #expect(try harness.submit(alice, transfer("a1", "a1", 101), atMilliseconds: 3_000)
            == .contractError(.insufficientFunds))
    }

    @Test func transfersInOneBlockSeeEachOther() throws {
        var harness = LedgerHarness()
        try harness.submit([(alice, open("a1", 10)), (bob, open("b1", 0))], atMilliseconds: 1_000)
        let codes = try harness.submit(
            [(alice, transfer("a1", "b1", 10)), (bob, transfer("b1", "a1", 4)), (alice, transfer("a1", "b1", 5))],
            atMilliseconds: 2_000)
        #expect(codes == [.valid, .valid, .contractError(.insufficientFunds)])
        #expect(harness.balance("a1") == .success(.balance(4)))
        #expect(harness.balance("b1") == .success(.balance(6)))
    }

    @Test(arguments: [("ghost", "b1"), ("a1", "ghost"), ("ghost", "phantom")])
    func transferWithMissingAccountIsRefused(from: String, to: String) throws {
        var harness = LedgerHarness()
        try harness.submit([(alice, open("a1", 100)), (bob, open("b1", 5))], atMilliseconds: 1_000)
        #expect(try harness.submit(alice, transfer(from, to, 1), atMilliseconds: 2_000)
            == .contractError(.accountMissing))
        #expect(harness.balance("a1") == .success(.balance(100)))
        #expect(harness.balance("b1") == .success(.balance(5)))
    }

    @Test func transferBeyondTheBalanceIsRefusedAndWritesNothing() throws {
        var harness = LedgerHarness()
        try harness.submit([(alice, open("a1", 100)), (bob, open("b1", 5))], atMilliseconds: 1_000)
        #expect(try harness.submit(alice, transfer("a1", "b1", 101), atMilliseconds: 2_000)
            == .contractError(.insufficientFunds))
        #expect(harness.balance("a1") == .success(.balance(100)))
        #expect(harness.balance("b1") == .success(.balance(5)))
    }

    @Test func transferThatOverflowsTheRecipientIsRefusedAndWritesNothing() throws {
        var harness = LedgerHarness()
        try harness.submit([(alice, open("rich", .max)), (bob, open("b1", 1))], atMilliseconds: 1_000)
        #expect(try harness.submit(bob, transfer("b1", "rich", 1), atMilliseconds: 2_000)
            == .contractError(.balanceOverflow))
        #expect(harness.balance("rich") == .success(.balance(.max)))
        #expect(harness.balance("b1") == .success(.balance(1)))
    }

    @Test func deleteRemovesTheAccount() throws {
        var harness = LedgerHarness()
        try harness.submit(alice, open("a1", 100), atMilliseconds: 1_000)
        #expect(try harness.submit(alice, .simple(.delete(account: "a1")), atMilliseconds: 2_000) == .valid)
        #expect(harness.balance("a1") == .failure(.accountMissing))
        #expect(try harness.submit(alice, transfer("a1", "a1", 0), atMilliseconds: 3_000)
            == .contractError(.accountMissing))
        // The name is free again.
        #expect(try harness.submit(bob, open("a1", 7), atMilliseconds: 4_000) == .valid)
        #expect(harness.balance("a1") == .success(.balance(7)))
    }

    @Test func deleteAndReopenInOneBlock() throws {
        var harness = LedgerHarness()
        try harness.submit(alice, open("a1", 100), atMilliseconds: 1_000)
        let codes = try harness.submit(
            [(alice, .simple(.delete(account: "a1"))), (bob, .simple(.query(account: "a1"))), (bob, open("a1", 3))],
            atMilliseconds: 2_000)
        #expect(codes == [.valid, .contractError(.accountMissing), .valid])
        #expect(harness.balance("a1") == .success(.balance(3)))
    }

    @Test func deleteOfMissingAccountIsRefused() throws {
        var harness = LedgerHarness()
        #expect(try harness.submit(alice, .simple(.delete(account: "ghost")), atMilliseconds: 1_000)
            == .contractError(.accountMissing))
    }

    static let tooLongName = String(repeating: "x", count: SimpleCall.maximumAccountNameLength + 1)

    @Test(arguments: [
        ContractCall.simple(.open(account: "", money: 1)),
        .simple(.open(account: tooLongName, money: 1)),
        .simple(.query(account: "")),
        .simple(.query(account: tooLongName)),
        .simple(.transfer(from: "", to: "b1", amount: 1)),
        .simple(.transfer(from: "b1", to: tooLongName, amount: 1)),
        .simple(.delete(account: "")),
        .simple(.delete(account: tooLongName)),
    ])
    func invalidAccountNameIsRefused(call: ContractCall) throws {
        var harness = LedgerHarness()
        try harness.submit(bob, open("b1", 5), atMilliseconds: 1_000)
        #expect(try harness.submit(alice, call, atMilliseconds: 2_000) == .contractError(.invalidAccountName))
        #expect(harness.balance("b1") == .success(.balance(5)))
    }

    @Test func longestAccountNameIsAccepted() throws {
        var harness = LedgerHarness()
        let name = String(repeating: "é", count: SimpleCall.maximumAccountNameLength / 2)
        #expect(name.utf8.count == SimpleCall.maximumAccountNameLength)
        #expect(try harness.submit(alice, open(name, 1), atMilliseconds: 1_000) == .valid)
        #expect(harness.balance(name) == .success(.balance(1)))
        // One more UTF-8 byte is too long even though it is fewer characters than bytes.
        #expect(try harness.submit(alice, open(name + "x", 1), atMilliseconds: 2_000)
            == .contractError(.invalidAccountName))
    }

    @Test func stateChangingCallsCannotBeEvaluated() {
        let harness = LedgerHarness()
        #expect(harness.evaluate(open("a1", 1), as: alice) == .failure(.notReadOnly))
        #expect(harness.evaluate(transfer("a1", "b1", 1), as: alice) == .failure(.notReadOnly))
        #expect(harness.evaluate(.simple(.delete(account: "a1")), as: alice) == .failure(.notReadOnly))
    }
}
