import Testing
@testable import Contracts
@testable import LedgerCore
import LedgerPrimitives

@Suite("Canonical codec")
struct CodecTests {
    @Test("every contract call round-trips", arguments: Fixtures.calls)
    func callRoundTrip(call: ContractCall) throws {
        let bytes = call.canonicalBytes
        let decoded = try ContractCall(canonicalBytes: bytes)
        #expect(decoded == call)
        #expect(decoded.canonicalBytes == bytes)
    }

    @Test func transactionsAndBlocksRoundTrip() throws {
        let transactions = Fixtures.transactions()
        for transaction in transactions {
            let decoded = try Transaction(canonicalBytes: transaction.canonicalBytes)
            #expect(decoded == transaction)
            #expect(decoded.id == transaction.id)
            #expect(decoded.sender == transaction.sender)
            #expect(decoded.hasValidSignature)
        }
        let block = Fixtures.block(transactions: transactions)
        let decoded = try Block(canonicalBytes: block.canonicalBytes)
        #expect(decoded == block)
        #expect(decoded.hash == block.hash)
        #expect(decoded.canonicalBytes == block.canonicalBytes)
    }

    @Test(arguments: [
        ConsensusSeal.genesis(configurationDigest: Fixtures.document), .raft(term: 1, index: 2),
        .proofOfWork(targetLeadingWord: 0x0000_FFFF_FFFF_FFFF, nonce: 99), .store,
    ])
    func sealsRoundTrip(seal: ConsensusSeal) throws {
        #expect(try ConsensusSeal(canonicalBytes: seal.canonicalBytes) == seal)
    }

    @Test func recordsRoundTrip() throws {
        let permission = PermissionRecord(validFromMilliseconds: 1, validUntilMilliseconds: 2, grantedAtMilliseconds: 3,
                                          grantTransaction: Fixtures.document, revokedAtMilliseconds: 4)
        #expect(try PermissionRecord(canonicalBytes: permission.canonicalBytes) == permission)
        var unrevoked = permission
        unrevoked.revokedAtMilliseconds = nil
        #expect(try PermissionRecord(canonicalBytes: unrevoked.canonicalBytes) == unrevoked)
        let entry = AuditEntry(accessor: Fixtures.doctor.address, action: .readRecords, category: .laboratoryResults,
                               atMilliseconds: 5, transaction: Fixtures.document)
        #expect(try AuditEntry(canonicalBytes: entry.canonicalBytes) == entry)
        for code in [ValidationCode.valid, .badSignature, .staleNonce(expected: 4), .futureNonce(expected: 9),
                     .contractError(.controlledDrugAlreadyDispensed)] {
            #expect(try ValidationCode(canonicalBytes: code.canonicalBytes) == code)
        }
    }

    @Test func truncationAtEveryOffsetIsAnError() {
        let block = Fixtures.block(transactions: Fixtures.transactions())
        let bytes = block.canonicalBytes
        for length in 0..<bytes.count {
            #expect(throws: CodecError.self) { try Block(canonicalBytes: Array(bytes[0..<length])) }
        }
        #expect(throws: CodecError.trailingBytes(count: 1)) { try Block(canonicalBytes: bytes + [0]) }
    }

    @Test func malformedFieldsNameWhatIsWrong() {
        var call = ContractCall.simple(.query(account: "a")).canonicalBytes
        call[0] = 9
        #expect(throws: CodecError.unknownTag(field: "call.contract", tag: 9)) { try ContractCall(canonicalBytes: call) }

        var writer = CanonicalWriter()
        writer.write(UInt8(1))
        writer.write(UInt8(2))
        writer.write(UInt16(3))
        writer.writeFixed([0xFF, 0xFE, 0x41])
        #expect(throws: CodecError.invalidValue(field: "simple.query.account", reason: "not valid UTF-8")) {
            try ContractCall(canonicalBytes: writer.bytes)
        }

        var long = CanonicalWriter()
        long.write(UInt8(1))
        long.write(UInt8(2))
        long.write(String(repeating: "x", count: 65))
        #expect(throws: CodecError.oversized(field: "simple.query.account", length: 65, limit: 64)) {
            try ContractCall(canonicalBytes: long.bytes)
        }

        var boolean = CanonicalReader([2])
        #expect(throws: CodecError.self) { try boolean.readBool("flag") }

        var hugeArray = CanonicalWriter()
        hugeArray.write(UInt32.max)
        var reader = CanonicalReader(hugeArray.bytes)
        #expect(throws: CodecError.self) { let _: [AuditEntry] = try reader.readArray("entries") }
    }

    @Test func oversizedTransactionCountIsRejectedBeforeAllocating() {
        var header = Fixtures.block(transactions: []).header
        header.transactionCount = UInt32.max
        #expect(throws: CodecError.self) { try Block(canonicalBytes: header.canonicalBytes) }
    }

    /// Seeded fuzzing: random bytes, and mutations of valid encodings. Decoding must never trap,
    /// and whatever decodes must re-encode to exactly the input (one canonical form).
    @Test(arguments: 0..<8)
    func fuzzedBytesNeverTrapAndStayCanonical(seedOffset: Int) {
        var random = SeededGenerator(seed: 0xF022 + UInt64(seedOffset))
        let valid = [Fixtures.block(transactions: Fixtures.transactions()).canonicalBytes]
            + Fixtures.transactions().map(\.canonicalBytes)
        var decodedCount = 0
        for iteration in 0..<2_500 {
            let bytes: [UInt8]
            if iteration % 2 == 0 {
                let length = Int.random(in: 0...300, using: &random)
                bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = mutate(valid.randomElement(using: &random)!, using: &random)
            }
            decodedCount += check(Block.self, bytes) + check(Transaction.self, bytes)
                + check(ContractCall.self, bytes) + check(BlockHeader.self, bytes)
                + check(PermissionRecord.self, bytes) + check(TreatmentRecord.self, bytes)
                + check(ValidationCode.self, bytes)
        }
        // Mutations that keep a value well-formed (a changed amount, say) must decode.
        #expect(decodedCount > 0)
    }

    private func check<Value: CanonicalCodable>(_: Value.Type, _ bytes: [UInt8]) -> Int {
        guard let value = try? Value(canonicalBytes: bytes) else { return 0 }
        #expect(value.canonicalBytes == bytes, "\(Value.self) decoded from non-canonical bytes")
        return 1
    }

    private func mutate(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            let index = Int.random(in: 0..<bytes.count, using: &random)
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
        case 1:
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
        case 2:
            let index = Int.random(in: 0...bytes.count, using: &random)
            bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
        default:
            let index = Int.random(in: 0..<bytes.count, using: &random)
            bytes[index] = UInt8.random(in: 0...255, using: &random)
        }
        return bytes
    }
}
