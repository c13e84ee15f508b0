public import Consensus
public import Contracts
public import LedgerCore
public import LedgerPrimitives
public import NodeCore
/// Everything nodes and clients say to each other, as typed values with one canonical encoding.
public enum NodeMessage: Sendable, Hashable, CanonicalCodable {
    /// Orderer to orderer: Raft.
    case raft(Raft.Envelope)
    /// A follower orderer hands a submission to the leader.
    case forward(Transaction)
    /// A client submits a transaction to an orderer.
    case submit(Transaction)
    /// The orderer's answer to `submit`.
    case submitted(transaction: Hash256, outcome: SubmitOutcome)
    /// A peer asks an orderer for blocks from a height on, and to be sent new ones as they form.
    case deliverRequest(fromHeight: UInt64)
    /// Blocks, in height order, from an orderer to a peer (possibly none: "alive, nothing new").
    case blocks([Block])
    /// A client asks a peer for the commit events of every block from now on.
    case subscribeCommits
    /// A peer's commit events of one or more blocks.
    case commits([CommitEvent])
    /// A client asks a peer to evaluate a read-only call; the signed transaction proves who asks
    /// (its nonce is not used).
    case query(requestId: UInt64, transaction: Transaction)
    case queryAnswer(requestId: UInt64, answer: QueryAnswer)
    /// Proof-of-work gossip: a transaction to pool and pass on.
    case gossipTransaction(Transaction)
    /// Proof-of-work gossip: a block to validate and pass on.
    case gossipBlock(Block)
    /// Proof-of-work: asks a neighbour for the block with this hash.
    case blockRequest(Hash256)
    /// A driver asks a node for its ``NodeStatus``, with the next nonce of `account` if named.
    case statusRequest(requestId: UInt64, account: Address?)
    /// A node's answer to `statusRequest` or `pauseMining`.
    case statusAnswer(requestId: UInt64, status: NodeStatus)
    /// The driver pauses or resumes a proof-of-work miner (to settle the network before comparing
    /// nodes); answered with `statusAnswer`. Other nodes answer and ignore it.
    case pauseMining(requestId: UInt64, paused: Bool)
    /// Execute-order-validate: a client asks an endorsing peer to simulate a signed proposal at the
    /// client's time, once the peer has committed `minimumHeight` (0: at once).
    case endorse(requestId: UInt64, proposal: Transaction, timestampMilliseconds: UInt64, minimumHeight: UInt64)
    /// The endorsing peer's answer to `endorse`.
    case endorsement(requestId: UInt64, answer: EndorsementAnswer)
    /// The driver asks how many times each transaction is in the node's stored chain (the
    /// lost-commit check); answered by the host with `transactionCounts`.
    case transactionCheck(requestId: UInt64, ids: [Hash256])
    /// The answer to `transactionCheck`: one count per id, or why the chain could not be read.
    case transactionCounts(requestId: UInt64, counts: [UInt32], failure: String?)

    /// The most ids one `transactionCheck` may carry (2 MiB of ids).
    public static let maximumCheckedTransactions = 65_536

    /// Whether a frame carries a driver's request to the node host (status, mining control, the
    /// lost-commit check)
    /// rather than protocol traffic for the node itself; reads only the first two bytes.
    public static func isHostRequest(_ frame: [UInt8]) -> Bool {
        frame.count >= 2 && frame[0] == frameVersion && (frame[1] == 14 || frame[1] == 16 || frame[1] == 19)
    }

    /// The frame format's version, the first byte of every frame.
    public static let frameVersion: UInt8 = 1

    /// The frame that carries this message: the version byte, then the canonical encoding.
    public var frame: [UInt8] {
        var writer = CanonicalWriter(reservingCapacity: 128)
        writer.write(Self.frameVersion)
        encode(to: &writer)
        return writer.bytes
    }

    /// Reads a frame; a wrong version, an unknown message or malformed bytes are a `CodecError`.
    public init(frame: [UInt8]) throws(CodecError) {
        var reader = CanonicalReader(frame)
        let version = try reader.readUInt8("frame.version")
        guard version == Self.frameVersion else {
            throw .invalidValue(field: "frame.version", reason: "version \(version), this node speaks \(Self.frameVersion)")
        }
        self = try NodeMessage(from: &reader)
        try reader.expectEnd()
    }

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .raft(let envelope):
            writer.write(UInt8(1))
            writer.write(envelope)
        case .forward(let transaction):
            writer.write(UInt8(2))
            writer.write(transaction)
        case .submit(let transaction):
            writer.write(UInt8(3))
            writer.write(transaction)
        case .submitted(let transaction, let outcome):
            writer.write(UInt8(4))
            writer.write(transaction)
            writer.write(outcome)
        case .deliverRequest(let height):
            writer.write(UInt8(5))
            writer.write(height)
        case .blocks(let blocks):
            writer.write(UInt8(6))
            writer.write(blocks)
        case .subscribeCommits:
            writer.write(UInt8(7))
        case .commits(let events):
            writer.write(UInt8(8))
            writer.write(events)
        case .query(let requestId, let transaction):
            writer.write(UInt8(9))
            writer.write(requestId)
            writer.write(transaction)
        case .queryAnswer(let requestId, let answer):
            writer.write(UInt8(10))
            writer.write(requestId)
            writer.write(answer)
        case .gossipTransaction(let transaction):
            writer.write(UInt8(11))
            writer.write(transaction)
        case .gossipBlock(let block):
            writer.write(UInt8(12))
            writer.write(block)
        case .blockRequest(let hash):
            writer.write(UInt8(13))
            writer.write(hash)
        case .statusRequest(let requestId, let account):
            writer.write(UInt8(14))
            writer.write(requestId)
            writer.write(account != nil)
            if let account { writer.write(account) }
        case .statusAnswer(let requestId, let status):
            writer.write(UInt8(15))
            writer.write(requestId)
            writer.write(status)
        case .pauseMining(let requestId, let paused):
            writer.write(UInt8(16))
            writer.write(requestId)
            writer.write(paused)
        case .endorse(let requestId, let proposal, let timestamp, let minimumHeight):
            writer.write(UInt8(17))
            writer.write(requestId)
            writer.write(proposal)
            writer.write(timestamp)
            writer.write(minimumHeight)
        case .endorsement(let requestId, let answer):
            writer.write(UInt8(18))
            writer.write(requestId)
            writer.write(answer)
        case .transactionCheck(let requestId, let ids):
            writer.write(UInt8(19))
            writer.write(requestId)
            writer.write(UInt32(ids.count))
            for id in ids { writer.write(id) }
        case .transactionCounts(let requestId, let counts, let failure):
            writer.write(UInt8(20))
            writer.write(requestId)
            writer.write(UInt32(counts.count))
            for count in counts { writer.write(count) }
            writer.write(failure != nil)
            if let failure { writer.write(failure) }
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("message") {
        case 1: self = .raft(try reader.read())
        case 2: self = .forward(try reader.read())
        case 3: self = .submit(try reader.read())
        case 4: self = .submitted(transaction: try reader.readHash("submitted.transaction"), outcome: try reader.read())
        case 5: self = .deliverRequest(fromHeight: try reader.readUInt64("deliverRequest.fromHeight"))
        case 6: self = .blocks(try reader.readArray("blocks", limit: 4_096))
        case 7: self = .subscribeCommits
        case 8: self = .commits(try reader.readArray("commits"))
        case 9: self = .query(requestId: try reader.readUInt64("query.requestId"), transaction: try reader.read())
        case 10: self = .queryAnswer(requestId: try reader.readUInt64("queryAnswer.requestId"), answer: try reader.read())
        case 11: self = .gossipTransaction(try reader.read())
        case 12: self = .gossipBlock(try reader.read())
        case 13: self = .blockRequest(try reader.readHash("blockRequest.hash"))
        case 14:
            let requestId = try reader.readUInt64("statusRequest.requestId")
            let account: Address? = try reader.readBool("statusRequest.hasAccount") ? try reader.read() : nil
            self = .statusRequest(requestId: requestId, account: account)
        case 15: self = .statusAnswer(requestId: try reader.readUInt64("statusAnswer.requestId"), status: try reader.read())
        case 16: self = .pauseMining(requestId: try reader.readUInt64("pauseMining.requestId"),
                                     paused: try reader.readBool("pauseMining.paused"))
        case 17:
            self = .endorse(requestId: try reader.readUInt64("endorse.requestId"), proposal: try reader.read(),
                            timestampMilliseconds: try reader.readUInt64("endorse.timestamp"),
                            minimumHeight: try reader.readUInt64("endorse.minimumHeight"))
        case 18: self = .endorsement(requestId: try reader.readUInt64("endorsement.requestId"), answer: try reader.read())
        case 19:
            let requestId = try reader.readUInt64("transactionCheck.requestId")
            let count = try Self.readCount(&reader, "transactionCheck.ids")
            var ids: [Hash256] = []
            ids.reserveCapacity(count)
            for _ in 0..<count { ids.append(try reader.readHash("transactionCheck.id")) }
            self = .transactionCheck(requestId: requestId, ids: ids)
        case 20:
            let requestId = try reader.readUInt64("transactionCounts.requestId")
            let count = try Self.readCount(&reader, "transactionCounts.counts")
            var counts: [UInt32] = []
            counts.reserveCapacity(count)
            for _ in 0..<count { counts.append(try reader.readUInt32("transactionCounts.count")) }
            let failure = try reader.readBool("transactionCounts.hasFailure") ? try reader.readString("transactionCounts.failure") : nil
            self = .transactionCounts(requestId: requestId, counts: counts, failure: failure)
        case let tag: throw .unknownTag(field: "message", tag: tag)
        }
    }
}

extension NodeMessage {
    /// Reads a list's length, refusing more than `maximumCheckedTransactions`.
    private static func readCount(_ reader: inout CanonicalReader, _ field: String) throws(CodecError) -> Int {
        let count = Int(try reader.readUInt32(field))
        guard count <= maximumCheckedTransactions else {
            throw .invalidValue(field: field, reason: "\(count) entries, at most \(maximumCheckedTransactions)")
        }
        return count
    }
}

/// A peer's answer to a query.
public enum QueryAnswer: Sendable, Hashable, CanonicalCodable {
    /// Evaluates a signed read-only call on `ledger` now: the signature says who asks.
    public static func evaluate(_ query: Transaction, on ledger: Ledger, verifier: inout SignatureVerifier) -> QueryAnswer {
        guard verifier.isValid(query) else { return .badSignature }
        switch ledger.evaluate(query.call, sender: query.sender, atMilliseconds: WallClock.nowMilliseconds()) {
        case .success(let output): return .output(output)
        case .failure(let error): return .refused(error)
        }
    }

    case output(ContractOutput)
    case refused(ContractError)
    /// The query's signature does not verify, so the peer does not know who asks.
    case badSignature

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .output(let output):
            writer.write(UInt8(1))
            writer.write(output)
        case .refused(let error):
            writer.write(UInt8(2))
            writer.write(error)
        case .badSignature:
            writer.write(UInt8(3))
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("queryAnswer") {
        case 1: self = .output(try reader.read())
        case 2: self = .refused(try reader.read())
        case 3: self = .badSignature
        case let tag: throw .unknownTag(field: "queryAnswer", tag: tag)
        }
    }
}

extension SubmitOutcome: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .accepted: writer.write(UInt8(1))
        case .forwarded: writer.write(UInt8(2))
        case .rejected(let reason):
            writer.write(UInt8(3))
            writer.write(reason)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("submitOutcome") {
        case 1: self = .accepted
        case 2: self = .forwarded
        case 3: self = .rejected(try reader.read())
        case let tag: throw .unknownTag(field: "submitOutcome", tag: tag)
        }
    }
}

extension CommitEvent: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(transaction)
        writer.write(code)
        writer.write(height)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        self.init(transaction: try reader.readHash("commit.transaction"), code: try reader.read(),
                  height: try reader.readUInt64("commit.height"))
    }
}
