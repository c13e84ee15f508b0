import Testing
import Contracts
@testable import LedgerCore
import LedgerPrimitives

@Suite("Transactions and blocks")
struct TransactionTests {
    let genesis = GenesisConfiguration(chainId: "test", regulator: Fixtures.regulator.address)

    @Test func deterministicAccountsRepeatAndDiffer() {
        let first = SigningAccount.deterministic(seed: 42, index: 3)
        #expect(first.address == SigningAccount.deterministic(seed: 42, index: 3).address)
        #expect(first.address != SigningAccount.deterministic(seed: 42, index: 4).address)
        #expect(first.address != SigningAccount.deterministic(seed: 43, index: 3).address)
        #expect(first.publicKey.count == 33)
        #expect(first.address == Address(publicKey: first.publicKey))
    }

    @Test func idCoversPayloadNotSignature() {
        let account = Fixtures.doctor
        let call = ContractCall.simple(.open(account: "a", money: 1))
        let one = Transaction(signedBy: account, nonce: 0, call: call)
        let two = Transaction(signedBy: account, nonce: 0, call: call)
        #expect(one.id == two.id)
        #expect(Transaction(signedBy: account, nonce: 1, call: call).id != one.id)
        #expect(Transaction(signedBy: account, nonce: 0, call: .simple(.open(account: "a", money: 2))).id != one.id)
        #expect(Transaction(signedBy: Fixtures.patient, nonce: 0, call: call).id != one.id)
    }

    /// A tampered signature, field or nonce no longer verifies, and the ledger says badSignature.
    @Test func tamperedTransactionsAreRejected() throws {
        let account = Fixtures.doctor
        let original = Transaction(signedBy: account, nonce: 0, call: .simple(.open(account: "acc", money: 50)))
        #expect(original.hasValidSignature)

        var flippedSignature = original.signature
        flippedSignature[10] ^= 0x01
        let badSignature = Transaction(senderKey: original.senderKey, nonce: 0, call: original.call, signature: flippedSignature)
        let changedField = Transaction(senderKey: original.senderKey, nonce: 0,
                                       call: .simple(.open(account: "acc", money: 5_000)), signature: original.signature)
        let changedNonce = Transaction(senderKey: original.senderKey, nonce: 1, call: original.call, signature: original.signature)
        let otherKey = Transaction(senderKey: Fixtures.patient.publicKey, nonce: 0, call: original.call, signature: original.signature)
        let zeroSignature = Transaction(senderKey: original.senderKey, nonce: 0, call: original.call,
                                        signature: [UInt8](repeating: 0, count: 64))

        for tampered in [badSignature, changedField, changedNonce, otherKey, zeroSignature] {
            #expect(!tampered.hasValidSignature)
            var ledger = Ledger(genesis: genesis)
            let block = Fixtures.block(previousHash: ledger.headHash, transactions: [tampered])
            #expect(try ledger.apply(block) == [.badSignature])
            #expect(ledger.nextNonce(of: tampered.sender) == 0)
        }

        // Tampering with the encoded bytes of a transaction in transit: any single bit flip either
        // fails to decode or fails the signature check.
        let bytes = original.canonicalBytes
        for index in stride(from: 0, to: bytes.count, by: 3) {
            var copy = bytes
            copy[index] ^= 0x40
            if let decoded = try? Transaction(canonicalBytes: copy) {
                #expect(!decoded.hasValidSignature || decoded.signature != original.signature,
                        "flip at byte \(index) kept a valid signature")
            }
        }
    }

    @Test func cachingVerifierAgreesWithTheDirectCheckAndStaysBounded() {
        var verifier = SignatureVerifier(capacity: 2)
        let accounts = (0..<5).map { SigningAccount.deterministic(seed: 3, index: UInt64($0)) }
        for round in 0..<3 {
            for account in accounts {
                let good = Transaction(signedBy: account, nonce: UInt64(round), call: .simple(.query(account: "a")))
                var flipped = good.signature
                flipped[20] ^= 0x10
                let bad = Transaction(senderKey: good.senderKey, nonce: good.nonce, call: good.call, signature: flipped)
                let wrongKey = Transaction(senderKey: accounts[(accounts.firstIndex { $0.address == account.address }! + 1) % 5].publicKey,
                                           nonce: good.nonce, call: good.call, signature: good.signature)
                let verdicts = [verifier.isValid(good), verifier.isValid(bad), verifier.isValid(wrongKey)]
                #expect(verdicts == [true, false, false])
            }
        }
        let notAPoint = Transaction(senderKey: [2] + [UInt8](repeating: 0xFF, count: 32), nonce: 0,
                                    call: .simple(.query(account: "a")), signature: [UInt8](repeating: 1, count: 64))
        let verdict = verifier.isValid(notAPoint)
        #expect(!verdict)
    }

    @Test func replayIsRejectedWithItsOwnCode() throws {
        var ledger = Ledger(genesis: genesis)
        let transaction = Transaction(signedBy: Fixtures.doctor, nonce: 0, call: .simple(.open(account: "acc", money: 1)))
        let first = Fixtures.block(previousHash: ledger.headHash, transactions: [transaction])
        #expect(try ledger.apply(first) == [.valid])
        let replay = Fixtures.block(height: 2, previousHash: ledger.headHash, transactions: [transaction])
        #expect(try ledger.apply(replay) == [.staleNonce(expected: 1)])
        #expect(ValidationCode.staleNonce(expected: 1).code != ValidationCode.badSignature.code)
    }

    @Test func blocksMustLinkAndMatchTheirBody() throws {
        var ledger = Ledger(genesis: genesis)
        let transactions = Fixtures.transactions()
        let good = Fixtures.block(previousHash: ledger.headHash, transactions: transactions)
        let digestBefore = ledger.state.digest

        #expect(throws: ChainError.wrongHeight(expected: 1, found: 2)) {
            try ledger.apply(Fixtures.block(height: 2, previousHash: ledger.headHash, transactions: transactions))
        }
        #expect(throws: ChainError.self) {
            try ledger.apply(Fixtures.block(previousHash: Fixtures.document, transactions: transactions))
        }
        let swapped = Block(header: good.header, transactions: Array(transactions.reversed()))
        #expect(throws: ChainError.merkleRootMismatch(height: 1)) { try ledger.apply(swapped) }
        let backdated = Block(height: 1, previousHash: ledger.headHash, timestampMilliseconds: 5, seal: .store, transactions: [])
        try ledger.apply(backdated)
        let beforeParent = Block(height: 2, previousHash: backdated.hash, timestampMilliseconds: 4, seal: .store, transactions: [])
        #expect(throws: ChainError.timestampBeforeParent(height: 2, parentMilliseconds: 5, foundMilliseconds: 4)) {
            try ledger.apply(beforeParent)
        }
        ledger = Ledger(genesis: genesis)
        let dropped = Block(header: good.header, transactions: Array(transactions.dropLast()))
        #expect(throws: ChainError.self) { try ledger.apply(dropped) }
        #expect(ledger.state.digest == digestBefore)
        #expect(ledger.height == 0)

        try ledger.apply(good)
        #expect(ledger.height == 1)
        #expect(ledger.headHash == good.hash)
        #expect(ledger.state.digest != digestBefore)
    }

    @Test func merkleRootsDistinguishLists() {
        let ids = (0..<9).map { Hash256.sha256([UInt8($0)]) }
        var roots = Set<Hash256>()
        for count in 0...ids.count { roots.insert(MerkleTree.root(of: Array(ids.prefix(count)))) }
        #expect(roots.count == ids.count + 1)
        // Bitcoin's duplicate-last-leaf rule would give these two lists one root.
        #expect(MerkleTree.root(of: Array(ids.prefix(3))) != MerkleTree.root(of: Array(ids.prefix(3)) + [ids[2]]))
        #expect(MerkleTree.root(of: [ids[0], ids[1]]) != MerkleTree.root(of: [ids[1], ids[0]]))
    }

    @Test func hashHexRoundTrips() {
        let hash = Hash256.sha256(Array("abc".utf8))
        #expect(hash.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hash256(hex: hash.hex) == hash)
        #expect(Hash256(hex: "zz") == nil)
        #expect(Hash256(bytes: hash.bytes) == hash)
    }

    @Test func seededGeneratorReplays() {
        var one = SeededGenerator(seed: 5)
        var two = SeededGenerator(seed: 5)
        var other = SeededGenerator(seed: 6)
        let first = (0..<10).map { _ in one.next() }
        #expect(first == (0..<10).map { _ in two.next() })
        #expect(first != (0..<10).map { _ in other.next() })
    }
}
