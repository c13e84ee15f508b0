import Testing
import Contracts
@testable import LedgerCore

/// The Smallbank contract: Caliper's chaincode rules, exact refusal codes, and the read and write
/// sets that make its operations conflict under execute-order-validate.
@Suite struct SmallbankContractTests {
    let teller = LedgerHarness.account(1)
    let other = LedgerHarness.account(2)

    private func create(_ customer: String, checking: Int64 = 1_000, savings: Int64 = 500) -> ContractCall {
        .smallbank(.createAccount(customer: customer, name: "name of \(customer)", checking: checking, savings: savings))
    }

    private func balances(_ harness: LedgerHarness, _ customer: String) -> Result<ContractOutput, ContractError> {
        harness.evaluate(.smallbank(.balance(customer: customer)), as: teller)
    }

    private func opened(_ customers: String...) throws -> LedgerHarness {
        var harness = LedgerHarness()
        let codes = try harness.submit(customers.map { (teller, create($0)) }, atMilliseconds: 1_000)
        #expect(codes.allSatisfy { $0 == .valid })
        return harness
    }

    @Test func createAccountHoldsBothBalancesAndRefusesADuplicate() throws {
        var harness = try opened("c1")
        #expect(balances(harness, "c1") == .success(.bankBalances(checking: 1_000, savings: 500)))
        #expect(try harness.submit(other, create("c1", checking: 1), atMilliseconds: 2_000) == .contractError(.customerExists))
        #expect(balances(harness, "c1") == .success(.bankBalances(checking: 1_000, savings: 500)))
        #expect(try harness.submit(teller, create(""), atMilliseconds: 3_000) == .contractError(.invalidCustomer))
        let tooLong = String(repeating: "x", count: SmallbankCall.maximumTextLength + 1)
        #expect(try harness.submit(teller, create(tooLong), atMilliseconds: 4_000) == .contractError(.invalidCustomer))
    }

    @Test func savingsAndCheckingDepositsAddUp() throws {
        var harness = try opened("c1")
        #expect(try harness.submit(teller, .smallbank(.transactSavings(customer: "c1", amount: 25)), atMilliseconds: 2_000) == .valid)
        #expect(try harness.submit(teller, .smallbank(.depositChecking(customer: "c1", amount: 7)), atMilliseconds: 3_000) == .valid)
        #expect(balances(harness, "c1") == .success(.bankBalances(checking: 1_007, savings: 525)))
    }

    @Test func aPaymentMovesCheckingAndMayOverdrawAsInCaliper() throws {
        var harness = try opened("c1", "c2")
        let pay = ContractCall.smallbank(.sendPayment(source: "c1", destination: "c2", amount: 1_200))
        #expect(try harness.submit(teller, pay, atMilliseconds: 2_000) == .valid)
        #expect(balances(harness, "c1") == .success(.bankBalances(checking: -200, savings: 500)))
        #expect(balances(harness, "c2") == .success(.bankBalances(checking: 2_200, savings: 500)))
        let toItself = ContractCall.smallbank(.sendPayment(source: "c2", destination: "c2", amount: 1))
        #expect(try harness.submit(teller, toItself, atMilliseconds: 3_000) == .contractError(.sameCustomer))
        let toNobody = ContractCall.smallbank(.sendPayment(source: "c2", destination: "c9", amount: 1))
        #expect(try harness.submit(teller, toNobody, atMilliseconds: 4_000) == .contractError(.customerMissing))
        #expect(balances(harness, "c2") == .success(.bankBalances(checking: 2_200, savings: 500)))
    }

    @Test func aCheckComesOutOfChecking() throws {
        var harness = try opened("c1")
        #expect(try harness.submit(teller, .smallbank(.writeCheck(customer: "c1", amount: 1_600)), atMilliseconds: 2_000) == .valid)
        #expect(balances(harness, "c1") == .success(.bankBalances(checking: -600, savings: 500)))
    }

    @Test func amalgamateMovesTheSourcesSavingsIntoTheDestinationsChecking() throws {
        var harness = try opened("c1", "c2")
        #expect(try harness.submit(teller, .smallbank(.amalgamate(source: "c1", destination: "c2")), atMilliseconds: 2_000) == .valid)
        #expect(balances(harness, "c1") == .success(.bankBalances(checking: 1_000, savings: 0)))
        #expect(balances(harness, "c2") == .success(.bankBalances(checking: 1_500, savings: 500)))
        #expect(try harness.submit(teller, .smallbank(.amalgamate(source: "c1", destination: "c1")), atMilliseconds: 3_000)
            == .contractError(.sameCustomer))
    }

    @Test func balancesThatWouldOverflowAreRefusedAndChangeNothing() throws {
        var harness = LedgerHarness()
        try harness.submit(teller, create("rich", checking: .max - 5, savings: .max), atMilliseconds: 1_000)
        try harness.submit(teller, create("poor", checking: .min + 5, savings: 0), atMilliseconds: 1_500)
        #expect(try harness.submit(teller, .smallbank(.depositChecking(customer: "rich", amount: 6)), atMilliseconds: 2_000)
            == .contractError(.smallbankBalanceOutOfRange))
        #expect(try harness.submit(teller, .smallbank(.depositChecking(customer: "rich", amount: .max)), atMilliseconds: 2_500)
            == .contractError(.smallbankBalanceOutOfRange))
        #expect(try harness.submit(teller, .smallbank(.writeCheck(customer: "poor", amount: 6)), atMilliseconds: 3_000)
            == .contractError(.smallbankBalanceOutOfRange))
        #expect(try harness.submit(teller, .smallbank(.amalgamate(source: "rich", destination: "rich2")), atMilliseconds: 3_500)
            == .contractError(.customerMissing))
        #expect(balances(harness, "rich") == .success(.bankBalances(checking: .max - 5, savings: .max)))
        #expect(balances(harness, "poor") == .success(.bankBalances(checking: .min + 5, savings: 0)))
    }

    @Test func balanceIsReadOnlyAndOperationsOfMissingCustomersAreRefused() throws {
        var harness = try opened("c1")
        #expect(ContractCall.smallbank(.balance(customer: "c1")).isReadOnly)
        #expect(!ContractCall.smallbank(.writeCheck(customer: "c1", amount: 1)).isReadOnly)
        let digest = harness.ledger.state.digest
        _ = balances(harness, "c1")
        #expect(harness.ledger.state.digest == digest)
        #expect(balances(harness, "c9") == .failure(.customerMissing))
        for call in [SmallbankCall.transactSavings(customer: "c9", amount: 1), .depositChecking(customer: "c9", amount: 1),
                     .writeCheck(customer: "c9", amount: 1), .amalgamate(source: "c9", destination: "c1")] {
            #expect(try harness.submit(teller, .smallbank(call), atMilliseconds: 2_000) == .contractError(.customerMissing))
        }
    }

    @Test func everyCallSurvivesTheCodec() throws {
        let calls: [SmallbankCall] = [
            .createAccount(customer: "c1", name: "Ada", checking: -3, savings: .max),
            .transactSavings(customer: "c1", amount: 4), .depositChecking(customer: "c1", amount: 5),
            .sendPayment(source: "c1", destination: "c2", amount: 6), .writeCheck(customer: "c2", amount: 7),
            .amalgamate(source: "c2", destination: "c1"), .balance(customer: "c1"),
        ]
        for call in calls {
            let decoded = try ContractCall(canonicalBytes: ContractCall.smallbank(call).canonicalBytes)
            #expect(decoded == .smallbank(call))
        }
        let output = ContractOutput.bankBalances(checking: -12, savings: 34)
        #expect(try ContractOutput(canonicalBytes: output.canonicalBytes) == output)
    }

    /// One entry per customer, as Caliper's chaincode keeps it: two operations on one customer in
    /// the same block conflict under execute-order-validate even when they touch different balances.
    @Test func operationsOnOneCustomerConflictUnderExecuteOrderValidate() throws {
        var federation = try EndorsedFederation()
        let alice = LedgerHarness.account(10)
        let bob = LedgerHarness.account(11)
        try federation.commit([try federation.endorsed(alice, create("c1")), try federation.endorsed(bob, create("c2"))])
        let savings = try federation.endorsed(alice, .smallbank(.transactSavings(customer: "c1", amount: 1)))
        let checking = try federation.endorsed(bob, .smallbank(.depositChecking(customer: "c1", amount: 1)))
        let elsewhere = try federation.endorsed(LedgerHarness.account(12), .smallbank(.depositChecking(customer: "c2", amount: 1)))
        #expect(try federation.commit([savings, checking, elsewhere], at: 3_000) == [.valid, .mvccReadConflict, .valid])
        let read = try federation.peers[0].evaluate(.smallbank(.balance(customer: "c1")), sender: alice.address, atMilliseconds: 0).get()
        #expect(read == .bankBalances(checking: 1_000, savings: 501))
    }
}
