import Testing
import Contracts
@testable import LedgerCore
import LedgerPrimitives

/// The nonce rule: every account's transactions apply in nonce order, each exactly once.
@Suite struct NonceRuleTests {
    let alice = LedgerHarness.account(1)
    let bob = LedgerHarness.account(2)

    private func open(_ account: String, _ money: UInt64 = 10) -> ContractCall {
        .simple(.open(account: account, money: money))
    }

    @Test func aFreshAccountStartsAtNonceZero() {
        let harness = LedgerHarness()
        #expect(harness.ledger.nextNonce(of: alice.address) == 0)
    }

    @Test func theNextNonceIsValidAndAdvances() throws {
        var harness = LedgerHarness()
        #expect(try harness.apply([Transaction(signedBy: alice, nonce: 0, call: open("a0"))], atMilliseconds: 1)
            == [.valid])
        #expect(harness.ledger.nextNonce(of: alice.address) == 1)
        #expect(try harness.apply([Transaction(signedBy: alice, nonce: 1, call: open("a1"))], atMilliseconds: 2)
            == [.valid])
        #expect(harness.ledger.nextNonce(of: alice.address) == 2)
        // Other accounts are not affected.
        #expect(harness.ledger.nextNonce(of: bob.address) == 0)
    }

    @Test func aReplayInALaterBlockIsStaleAndChangesNothing() throws {
        var harness = LedgerHarness()
        try harness.submit([(alice, open("a1", 100)), (bob, open("b1", 0))], atMilliseconds: 1)
        let move = Transaction(signedBy: alice, nonce: 1, call: .simple(.transfer(from: "a1", to: "b1", amount: 40)))
        #expect(try harness.apply([move], atMilliseconds: 2) == [.valid])
        let digestBefore = harness.ledger.state.digest
        #expect(try harness.apply([move], atMilliseconds: 3) == [.staleNonce(expected: 2)])
        #expect(harness.balance("a1") == .success(.balance(60)))
        #expect(harness.balance("b1") == .success(.balance(40)))
        #expect(harness.ledger.nextNonce(of: alice.address) == 2)
        #expect(harness.ledger.state.digest != digestBefore, "the digest chains every block, even an empty write set")
    }

    @Test func anOldNonceWithANewCallIsStale() throws {
        var harness = LedgerHarness()
        try harness.submit([(alice, open("a1")), (alice, open("a2"))], atMilliseconds: 1)
        let stale = Transaction(signedBy: alice, nonce: 0, call: open("a3"))
        #expect(try harness.apply([stale], atMilliseconds: 2) == [.staleNonce(expected: 2)])
        #expect(harness.balance("a3") == .failure(.accountMissing))
    }

    @Test func aGapIsFutureAndDoesNotAdvance() throws {
        var harness = LedgerHarness()
        let ahead = Transaction(signedBy: alice, nonce: 2, call: open("a2"))
        #expect(try harness.apply([ahead], atMilliseconds: 1) == [.futureNonce(expected: 0)])
        #expect(harness.ledger.nextNonce(of: alice.address) == 0)
        #expect(harness.balance("a2") == .failure(.accountMissing))
        // Filling the gap in order makes the same transaction valid later.
        let first = Transaction(signedBy: alice, nonce: 0, call: open("a0"))
        let second = Transaction(signedBy: alice, nonce: 1, call: open("a1"))
        #expect(try harness.apply([first, ahead, second, ahead], atMilliseconds: 2)
            == [.valid, .futureNonce(expected: 1), .valid, .valid])
        #expect(harness.ledger.nextNonce(of: alice.address) == 3)
        #expect(harness.balance("a2") == .success(.balance(10)))
    }

    @Test func aContractRefusalStillAdvancesTheNonce() throws {
        var harness = LedgerHarness()
        let refused = Transaction(signedBy: alice, nonce: 0, call: .simple(.delete(account: "ghost")))
        #expect(try harness.apply([refused], atMilliseconds: 1) == [.contractError(.accountMissing)])
        #expect(harness.ledger.nextNonce(of: alice.address) == 1)
        #expect(try harness.apply([Transaction(signedBy: alice, nonce: 1, call: open("a1"))], atMilliseconds: 2)
            == [.valid])
        #expect(try harness.apply([refused], atMilliseconds: 3) == [.staleNonce(expected: 2)])
    }

    @Test func aBadSignatureDoesNotAdvanceTheNonce() throws {
        var harness = LedgerHarness()
        let signed = Transaction(signedBy: alice, nonce: 0, call: open("a1"))
        // Bob's signature over Alice's payload, and a signature of another payload, and zeros.
        let forgeries = [
            Transaction(senderKey: alice.publicKey, nonce: 0, call: open("a1"), signature: bob.sign(signed.id)),
            Transaction(senderKey: alice.publicKey, nonce: 0, call: open("a1"),
                        signature: Transaction(signedBy: alice, nonce: 0, call: open("a2")).signature),
            Transaction(senderKey: alice.publicKey, nonce: 0, call: open("a1"),
                        signature: [UInt8](repeating: 0, count: SigningAccount.signatureLength)),
        ]
        #expect(try harness.apply(forgeries, atMilliseconds: 1) == [.badSignature, .badSignature, .badSignature])
        #expect(harness.ledger.nextNonce(of: alice.address) == 0)
        #expect(harness.balance("a1") == .failure(.accountMissing))
        #expect(try harness.apply([signed], atMilliseconds: 2) == [.valid])
        #expect(harness.ledger.nextNonce(of: alice.address) == 1)
    }

    @Test func aPrecomputedSignatureVerdictIsHonoured() throws {
        let harness = LedgerHarness()
        let transaction = Transaction(signedBy: alice, nonce: 0, call: open("a1"))
        let block = harness.block([transaction, transaction], atMilliseconds: 1)
        var ledger = harness.ledger
        #expect(try ledger.apply(block, signatureVerdicts: [false, true]) == [.badSignature, .valid])
        #expect(ledger.nextNonce(of: alice.address) == 1)
    }

    @Test func consecutiveNoncesInOneBlockBothApply() throws {
        var harness = LedgerHarness()
        let codes = try harness.submit([(alice, open("a1")), (bob, open("b1")), (alice, open("a2"))], atMilliseconds: 1)
        #expect(codes == [.valid, .valid, .valid])
        #expect(harness.ledger.nextNonce(of: alice.address) == 2)
        #expect(harness.ledger.nextNonce(of: bob.address) == 1)
    }

    @Test func theSameTransactionTwiceInOneBlockIsStaleTheSecondTime() throws {
        var harness = LedgerHarness()
        let transaction = Transaction(signedBy: alice, nonce: 0, call: open("a1", 5))
        #expect(try harness.apply([transaction, transaction], atMilliseconds: 1) == [.valid, .staleNonce(expected: 1)])
        #expect(harness.ledger.nextNonce(of: alice.address) == 1)
        #expect(harness.balance("a1") == .success(.balance(5)))
    }

    @Test func aBlockThatDoesNotLinkChangesNothing() throws {
        var harness = LedgerHarness()
        try harness.submit(alice, open("a1"), atMilliseconds: 1)
        let transaction = Transaction(signedBy: alice, nonce: 1, call: open("a2"))
        let wrongHeight = Block(height: harness.ledger.height + 2, previousHash: harness.ledger.headHash,
                                timestampMilliseconds: 2, seal: .raft(term: 1, index: 3), transactions: [transaction])
        let wrongParent = Block(height: harness.ledger.height + 1, previousHash: .zero,
                                timestampMilliseconds: 2, seal: .raft(term: 1, index: 2), transactions: [transaction])
        var ledger = harness.ledger
        #expect(throws: ChainError.wrongHeight(expected: 2, found: 3)) { try ledger.apply(wrongHeight) }
        #expect(throws: ChainError.self) { try ledger.apply(wrongParent) }
        #expect(ledger.headHash == harness.ledger.headHash)
        #expect(ledger.state.digest == harness.ledger.state.digest)
        #expect(ledger.nextNonce(of: alice.address) == 1)
    }
}

/// Refusal codes are stable numbers, and validation codes survive the codec.
@Suite struct ValidationCodeTests {
    @Test func everyContractErrorHasItsOwnCode() {
        let codes = ContractError.allCases.map(\.rawValue)
        #expect(Set(codes).count == ContractError.allCases.count)
        // None collides with the ledger's own codes 0...3.
        #expect(codes.allSatisfy { $0 > 3 })
        #expect(ContractError.accountExists.rawValue == 101)
        #expect(ContractError.notRegulator.rawValue == 201)
        #expect(ContractError.notReadOnly.rawValue == 901)
        for error in ContractError.allCases {
            #expect(ContractError(rawValue: error.rawValue) == error)
        }
    }

    /// Names are spelled out (an earlier `String(describing:)` recursed through `description`).
    @Test
    func everyContractErrorHasItsOwnName() {
        #expect(Set(ContractError.allCases.map(\.name)).count == ContractError.allCases.count)
        #expect(ContractError.invalidDosage.name == "invalidDosage")
        #expect(ContractError.invalidDosage.description == "invalidDosage (216)")
        #expect(ValidationCode.contractError(.roleConflict).description == "contractError(roleConflict)")
    }

    /// A validation code as a test argument, described by its number: describing a contract error
    /// itself would crash (see `everyContractErrorHasItsOwnName`).
    struct CodeCase: Sendable, CustomTestStringConvertible {
        var code: ValidationCode
        var testDescription: String {
            switch code {
            case .staleNonce(let expected), .futureNonce(let expected): "code \(code.code), expected \(expected)"
            default: "code \(code.code)"
            }
        }
    }

    static let allCodes: [CodeCase] = ([
        .valid, .badSignature, .staleNonce(expected: 0), .staleNonce(expected: .max), .futureNonce(expected: 0),
        .futureNonce(expected: 42),
    ] + ContractError.allCases.map { .contractError($0) }).map(CodeCase.init)

    @Test(arguments: allCodes)
    func validationCodeRoundTrips(codeCase: CodeCase) throws {
        #expect(try ValidationCode(canonicalBytes: codeCase.code.canonicalBytes) == codeCase.code)
    }

    @Test func distinctCasesHaveDistinctCodeNumbers() {
        let cases: [ValidationCode] = [.valid, .badSignature, .staleNonce(expected: 1), .futureNonce(expected: 1),
                                       .mvccReadConflict, .endorsementPolicyFailure, .duplicateTxId]
            + ContractError.allCases.map { .contractError($0) }
        #expect(Set(cases.map(\.code)).count == cases.count)
        #expect(ValidationCode.contractError(.roleConflict).code == ContractError.roleConflict.rawValue)
        #expect(ValidationCode.valid.isValid && !ValidationCode.badSignature.isValid)
    }

    @Test(arguments: [UInt16(7), 100, 106, 200, 223, 900, 999, .max])
    func anUnknownCodeDoesNotDecode(number: UInt16) {
        var writer = CanonicalWriter()
        writer.write(number)
        #expect(throws: CodecError.self) { try ValidationCode(canonicalBytes: writer.bytes) }
    }
}

/// Replaying the same blocks gives the same state on every ledger.
@Suite struct DeterminismTests {
    /// A history mixing both contracts, refusals, nonce errors and several blocks.
    private func history(amount: UInt64) throws -> LedgerHarness {
        var clinic = try Clinic()
        try clinic.grant(.write)
        try clinic.grant(.read)
        let treatment = try clinic.registerTreatment(clinic.treatment(drug: "N02AA01"), atMilliseconds: Clinic.start + 10)
        try clinic.harness.submit([
            (clinic.stranger, .simple(.open(account: "s", money: 100))),
            (clinic.doctor, .simple(.open(account: "d", money: 0))),
            (clinic.stranger, .simple(.transfer(from: "s", to: "d", amount: amount))),
            (clinic.stranger, .simple(.transfer(from: "s", to: "d", amount: 1_000))),
            (clinic.pharmacy, .clinical(.dispense(patient: clinic.patient, treatment: treatment.id))),
            (clinic.pharmacy, .clinical(.dispense(patient: clinic.patient, treatment: treatment.id))),
            (clinic.doctor, .clinical(.readRecords(patient: clinic.patient, category: .treatments))),
        ], atMilliseconds: Clinic.start + 20)
        try clinic.harness.apply([Transaction(signedBy: clinic.stranger, nonce: 0, call: .simple(.delete(account: "s")))],
                                 atMilliseconds: Clinic.start + 30)
        try clinic.harness.submit(clinic.stranger, .simple(.delete(account: "d")), atMilliseconds: Clinic.start + 40)
        return clinic.harness
    }

    @Test func replayingTheSameBlocksGivesTheSameState() throws {
        let original = try history(amount: 30)
        var replica = Ledger(genesis: original.ledger.genesis)
        var codes: [[ValidationCode]] = []
        for block in original.appliedBlocks { codes.append(try replica.apply(block)) }
        #expect(replica.state.digest == original.ledger.state.digest)
        #expect(replica.headHash == original.ledger.headHash)
        #expect(replica.height == original.ledger.height)
        #expect(replica.state.count == original.ledger.state.count)
        // The history really mixes outcomes.
        let flat = codes.flatMap { $0 }
        #expect(flat.contains(.contractError(.insufficientFunds)))
        #expect(flat.contains(.contractError(.controlledDrugAlreadyDispensed)))
        #expect(flat.contains(.staleNonce(expected: 3)))

        // And a second run of the whole history is identical too.
        let again = try history(amount: 30)
        #expect(again.ledger.state.digest == original.ledger.state.digest)
        #expect(again.ledger.headHash == original.ledger.headHash)
    }

    @Test func aDifferentValidHistoryGivesADifferentDigest() throws {
        let original = try history(amount: 30)
        let other = try history(amount: 31)
        #expect(other.ledger.height == original.ledger.height)
        #expect(other.ledger.state.digest != original.ledger.state.digest)
        #expect(other.ledger.headHash != original.ledger.headHash)
    }

    @Test func theSameWritesInAnotherBlockGiveAnotherDigest() throws {
        // One block with two opens versus two blocks with one each: same final entries, other history.
        let alice = LedgerHarness.account(1)
        var together = LedgerHarness()
        try together.submit([(alice, .simple(.open(account: "a", money: 1))), (alice, .simple(.open(account: "b", money: 1)))],
                            atMilliseconds: 1)
        try together.submit([], atMilliseconds: 2)
        var apart = LedgerHarness()
        try apart.submit(alice, .simple(.open(account: "a", money: 1)), atMilliseconds: 1)
        try apart.submit(alice, .simple(.open(account: "b", money: 1)), atMilliseconds: 2)
        #expect(together.ledger.state.count == apart.ledger.state.count)
        #expect(together.ledger.state.digest != apart.ledger.state.digest)
    }

    @Test func anotherGenesisGivesAnotherChain() {
        let first = LedgerHarness(chainId: "one")
        let second = LedgerHarness(chainId: "two")
        #expect(first.ledger.headHash != second.ledger.headHash)
        #expect(first.ledger.state.digest != second.ledger.state.digest)
        #expect(LedgerHarness(chainId: "one").ledger.state.digest == first.ledger.state.digest)
    }
}
