import Testing
import Contracts
@testable import LedgerCore
import LedgerPrimitives

/// A two-organisation execute-order-validate federation as values: four endorsing peers (two per
/// organisation), each with its own ledger, and clients that endorse, sign and order by hand.
struct EndorsedFederation {
    static let organizations = ["org1", "org2"]
    let endorsers: [SigningAccount]
    let genesis: GenesisConfiguration
    /// One ledger per peer; index `i` is peer `i`, of organisation `i % 2`.
    var peers: [Ledger]
    private var nonces: [Address: UInt64] = [:]

    init(policy: String = "AND('org1.member', 'org2.member')") throws {
        let keys = (0..<4).map { SigningAccount.deterministic(seed: 99, index: UInt64($0)) }
        endorsers = keys
        let configuration = EndorsementConfiguration(
            policy: try EndorsementPolicy.parse(policy, organizations: Self.organizations),
            endorsers: keys.indices.map { .init(organization: Self.organizations[$0 % 2], publicKey: keys[$0].publicKey) })
        genesis = GenesisConfiguration(chainId: "eov-tests", regulator: LedgerHarness.account(0).address,
                                       endorsement: configuration)
        peers = Array(repeating: Ledger(genesis: genesis), count: 4)
    }

    /// A signed proposal with the account's next nonce.
    mutating func proposal(_ account: SigningAccount, _ call: ContractCall) -> Transaction {
        let nonce = nonces[account.address] ?? 0
        nonces[account.address] = nonce + 1
        return Transaction(signedBy: account, nonce: nonce, call: call)
    }

    /// Peer `peer` simulates and signs, as an endorsing peer does.
    func endorse(_ proposal: Transaction, on peer: Int, at now: UInt64 = 1_000) throws -> (SimulationResult, Endorsement) {
        let result = try peers[peer].simulate(proposal, atMilliseconds: now).get()
        let signature = endorsers[peer].sign(result.responseDigest(for: proposal.id))
        return (result, Endorsement(endorserIndex: UInt16(peer), signature: signature))
    }

    /// A proposal endorsed by `peersToAsk` (who must agree) and signed by its sender.
    mutating func endorsed(_ account: SigningAccount, _ call: ContractCall, by peersToAsk: [Int] = [0, 1]) throws -> Transaction {
        let proposal = proposal(account, call)
        let answers = try peersToAsk.map { try endorse(proposal, on: $0) }
        #expect(Set(answers.map(\.0)).count == 1, "endorsers on equal states agree")
        return Transaction(endorsing: proposal, signedBy: account, result: answers[0].0, endorsements: answers.map(\.1))
    }

    /// Orders `transactions` into the next block and has every peer validate it; every peer must
    /// return the same codes and reach the same state digest.
    @discardableResult
    mutating func commit(_ transactions: [Transaction], at now: UInt64 = 2_000) throws -> [ValidationCode] {
        let height = peers[0].height + 1
        let block = Block(height: height, previousHash: peers[0].headHash, timestampMilliseconds: now,
                          seal: .raft(term: 1, index: height), transactions: transactions)
        var codes: [[ValidationCode]] = []
        for index in peers.indices { codes.append(try peers[index].apply(block)) }
        #expect(Set(codes).count == 1, "peers give every transaction the same code")
        #expect(Set(peers.map(\.state.digest)).count == 1, "peers agree on the state digest")
        return codes[0]
    }

    func balance(_ account: String, on peer: Int = 0) -> UInt64? {
        try? peers[peer].evaluate(.simple(.query(account: account)), sender: LedgerHarness.account(0).address,
                                  atMilliseconds: 0).get().balanceValue
    }
}

extension ContractOutput {
    var balanceValue: UInt64? {
        if case .balance(let value) = self { return value }
        return nil
    }
}

@Suite struct ExecuteOrderValidateTests {
    let alice = LedgerHarness.account(10)
    let bob = LedgerHarness.account(11)

    @Test func anEndorsedTransactionCommitsItsWriteSetOnEveryPeer() throws {
        var federation = try EndorsedFederation()
        let open = try federation.endorsed(alice, .simple(.open(account: "a", money: 50)))
        #expect(open.execution?.result.readWriteSet.reads.count == 1, "open reads the account key (absent)")
        #expect(open.execution?.result.readWriteSet.reads.first?.version == nil)
        #expect(try federation.commit([open]) == [.valid])
        for peer in 0..<4 { #expect(federation.balance("a", on: peer) == 50) }
        #expect(federation.peers[0].state.version(of: StateKey(.simpleAccount, Array("a".utf8)))
                == StateVersion(height: 1, transactionIndex: 0))
    }

    /// Two transfers endorsed on the same state, ordered into one block: the first commits, the
    /// second read a version the first replaced, so it is an MVCC conflict and changes nothing.
    @Test func aStaleReadInTheSameBlockIsAnMVCCConflict() throws {
        var federation = try EndorsedFederation()
        try federation.commit([try federation.endorsed(alice, .simple(.open(account: "a", money: 100))),
                               try federation.endorsed(bob, .simple(.open(account: "b", money: 100)))])
        let first = try federation.endorsed(alice, .simple(.transfer(from: "a", to: "b", amount: 10)))
        let second = try federation.endorsed(bob, .simple(.transfer(from: "b", to: "a", amount: 30)))
        let digestBefore = federation.peers[0].state.digest
        #expect(try federation.commit([first, second]) == [.valid, .mvccReadConflict])
        #expect(federation.balance("a") == 90)
        #expect(federation.balance("b") == 110)
        #expect(federation.peers[0].state.digest != digestBefore)
    }

    /// Endorsed before a block that changed what it read, committed after it: a conflict across blocks.
    @Test func aReadThatAnEarlierBlockChangedIsAnMVCCConflict() throws {
        var federation = try EndorsedFederation()
        try federation.commit([try federation.endorsed(alice, .simple(.open(account: "a", money: 100)))])
        let stale = try federation.endorsed(alice, .simple(.transfer(from: "a", to: "a", amount: 1)))
        let fresh = try federation.endorsed(bob, .simple(.open(account: "b", money: 5)))
        try federation.commit([try federation.endorsed(alice, .simple(.delete(account: "a")))])
        #expect(try federation.commit([stale, fresh]) == [.mvccReadConflict, .valid])
        #expect(federation.balance("a") == nil)
    }

    @Test func invalidTransactionsStayInTheBlockWithTheirCodes() throws {
        var federation = try EndorsedFederation()
        let good = try federation.endorsed(alice, .simple(.open(account: "a", money: 1)))
        // Endorsed by org1's two peers only: AND needs org2 too.
        let oneOrganization = try federation.endorsed(bob, .simple(.open(account: "b", money: 1)), by: [0, 2])
        let proposal = federation.proposal(bob, .simple(.open(account: "c", money: 1)))
        let unendorsed = proposal  // a plain transaction in an endorsing ledger
        let block = Block(height: 1, previousHash: federation.peers[0].headHash, timestampMilliseconds: 2_000,
                          seal: .raft(term: 1, index: 1), transactions: [good, oneOrganization, unendorsed, good])
        let codes = try federation.peers[0].apply(block)
        #expect(codes == [.valid, .endorsementPolicyFailure, .endorsementPolicyFailure, .duplicateTxId])
        #expect(block.transactions.count == 4, "invalid transactions are kept in the block")
        #expect(federation.balance("b") == nil && federation.balance("c") == nil)
        #expect(federation.peers[0].hasCommitted(good.id))
    }

    @Test func aDuplicateOfAnEarlierBlocksTransactionIsRefused() throws {
        var federation = try EndorsedFederation()
        let open = try federation.endorsed(alice, .simple(.open(account: "a", money: 1)))
        #expect(try federation.commit([open]) == [.valid])
        #expect(try federation.commit([open]) == [.duplicateTxId])
    }

    @Test func forgedOrMisattributedEndorsementsDoNotCount() throws {
        var federation = try EndorsedFederation()
        let proposal = federation.proposal(alice, .simple(.open(account: "a", money: 1)))
        let (result, org1) = try federation.endorse(proposal, on: 0)
        // org2's slot claimed with org1's signature: the signature does not verify under peer 1's key.
        let misattributed = Endorsement(endorserIndex: 1, signature: org1.signature)
        let envelope = Transaction(endorsing: proposal, signedBy: alice, result: result, endorsements: [org1, misattributed])
        // The same endorser twice counts once.
        let proposal2 = federation.proposal(alice, .simple(.open(account: "b", money: 1)))
        let (result2, twice) = try federation.endorse(proposal2, on: 0)
        let doubled = Transaction(endorsing: proposal2, signedBy: alice, result: result2, endorsements: [twice, twice])
        // A result changed after endorsement: the endorsers' signatures no longer cover it.
        let proposal3 = federation.proposal(alice, .simple(.open(account: "c", money: 1)))
        let (result3, first) = try federation.endorse(proposal3, on: 0)
        let (_, second) = try federation.endorse(proposal3, on: 1)
        var tampered = result3
        tampered.readWriteSet = ReadWriteSet(reads: result3.readWriteSet.reads,
                                             writes: [KeyWrite(key: StateKey(.simpleAccount, Array("c".utf8)),
                                                               value: UInt64(1_000_000).canonicalBytes)])
        let rewritten = Transaction(endorsing: proposal3, signedBy: alice, result: tampered, endorsements: [first, second])
        #expect(try federation.commit([envelope, doubled, rewritten])
                == [.endorsementPolicyFailure, .endorsementPolicyFailure, .endorsementPolicyFailure])
    }

    @Test func anEnvelopeSignedByAnotherKeyIsABadSignature() throws {
        var federation = try EndorsedFederation()
        let good = try federation.endorsed(alice, .simple(.open(account: "a", money: 1)))
        let execution = try #require(good.execution)
        let forged = Transaction(senderKey: good.senderKey, nonce: good.nonce, call: good.call, signature: good.signature,
                                 execution: EndorsedExecution(result: execution.result, endorsements: execution.endorsements,
                                                              clientSignature: bob.sign(good.merkleLeaf)))
        #expect(try federation.commit([forged]) == [.badSignature])
    }

    /// A peer a block behind reads older versions and balances: its result differs from an
    /// up-to-date peer's, which the client sees as a mismatch.
    @Test func endorsersOnDifferentStatesDisagree() throws {
        var federation = try EndorsedFederation()
        try federation.commit([try federation.endorsed(alice, .simple(.open(account: "a", money: 100))),
                               try federation.endorsed(bob, .simple(.open(account: "b", money: 100)))])
        let lagging = federation.peers[3]
        try federation.commit([try federation.endorsed(alice, .simple(.transfer(from: "a", to: "b", amount: 10)))])
        federation.peers[3] = lagging
        let proposal = federation.proposal(bob, .simple(.transfer(from: "b", to: "a", amount: 1)))
        let (current, _) = try federation.endorse(proposal, on: 1)
        let (stale, _) = try federation.endorse(proposal, on: 3)
        #expect(current != stale)
        #expect(current.readWriteSet.reads.map(\.version) == [StateVersion(height: 2, transactionIndex: 0),
                                                             StateVersion(height: 2, transactionIndex: 0)])
        #expect(stale.readWriteSet.reads.map(\.version) == [StateVersion(height: 1, transactionIndex: 0),
                                                           StateVersion(height: 1, transactionIndex: 1)])
    }

    @Test func simulationLeavesTheStateAlone() throws {
        var federation = try EndorsedFederation()
        let digest = federation.peers[0].state.digest
        _ = try federation.endorse(federation.proposal(alice, .simple(.open(account: "a", money: 1))), on: 0)
        #expect(federation.peers[0].state.digest == digest)
        #expect(federation.balance("a") == nil)
    }

    @Test func clinicalCallsRunEndorsedAtTheProposalsTime() throws {
        var federation = try EndorsedFederation()
        let patient = LedgerHarness.account(20)
        let register = try federation.endorsed(patient, .clinical(.registerPatient(pseudonym: Hash256.sha256([1]))))
        #expect(register.execution?.result.timestampMilliseconds == 1_000)
        #expect(try federation.commit([register]) == [.valid])
        let again = federation.proposal(patient, .clinical(.registerPatient(pseudonym: Hash256.sha256([1]))))
        #expect(throws: ContractError.patientAlreadyRegistered) { try federation.peers[2].simulate(again, atMilliseconds: 1).get() }
    }

    @Test func endorsedTransactionsRoundTripThroughTheCodecAndCommitToTheirResult() throws {
        var federation = try EndorsedFederation()
        let open = try federation.endorsed(alice, .simple(.open(account: "a", money: 7)))
        let decoded = try Transaction(canonicalBytes: open.canonicalBytes)
        #expect(decoded == open)
        #expect(decoded.merkleLeaf == open.merkleLeaf && open.merkleLeaf != open.id)
        #expect(decoded.hasValidSignature)
        #expect(open.proposal.execution == nil && open.proposal.id == open.id)
        let genesis = try GenesisConfiguration(canonicalBytes: federation.genesis.canonicalBytes)
        #expect(genesis == federation.genesis)
    }

    @Test func aPlainLedgerIgnoresNothingItDidBefore() throws {
        var harness = LedgerHarness()
        #expect(!harness.ledger.isExecuteOrderValidate)
        #expect(try harness.submit(alice, .simple(.open(account: "a", money: 1)), atMilliseconds: 1) == .valid)
    }
}
