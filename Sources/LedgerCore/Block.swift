/// How a block was agreed on: the fields each consensus adds to the header.
public import LedgerPrimitives
public enum ConsensusSeal: Sendable, Hashable, CanonicalCodable {
    /// The genesis block; its configuration digest makes federations with other rules distinct.
    case genesis(configurationDigest: Hash256)
    /// Ordered by Raft: the term and log index of the entry that carried the block.
    case raft(term: UInt64, index: UInt64)
    /// Mined: the header's hash must be below the target, whose leading 64 bits are given.
    case proofOfWork(targetLeadingWord: UInt64, nonce: UInt64)
    /// Written by the single store node of the no-ledger baseline.
    case store

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .genesis(let digest):
            writer.write(UInt8(0))
            writer.write(digest)
        case .raft(let term, let index):
            writer.write(UInt8(1))
            writer.write(term)
            writer.write(index)
        case .proofOfWork(let target, let nonce):
            writer.write(UInt8(2))
            writer.write(target)
            writer.write(nonce)
        case .store:
            writer.write(UInt8(3))
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("seal") {
        case 0: self = .genesis(configurationDigest: try reader.readHash("seal.configurationDigest"))
        case 1: self = .raft(term: try reader.readUInt64("seal.term"), index: try reader.readUInt64("seal.index"))
        case 2:
            self = .proofOfWork(targetLeadingWord: try reader.readUInt64("seal.target"),
                                nonce: try reader.readUInt64("seal.nonce"))
        case 3: self = .store
        case let tag: throw .unknownTag(field: "seal", tag: tag)
        }
    }
}

/// The hashed part of a block: position in the chain, content commitment, time, seal.
public struct BlockHeader: Sendable, Hashable, CanonicalCodable {
    public var height: UInt64
    public var previousHash: Hash256
    /// Merkle root of the transactions' leaves (ids, or envelope digests when endorsed; see `MerkleTree`).
    public var merkleRoot: Hash256
    /// Milliseconds since the Unix epoch, set by whoever cut the block; contracts read it as "now".
    public var timestampMilliseconds: UInt64
    public var transactionCount: UInt32
    public var seal: ConsensusSeal

    public init(
        height: UInt64, previousHash: Hash256, merkleRoot: Hash256,
        timestampMilliseconds: UInt64, transactionCount: UInt32, seal: ConsensusSeal
    ) {
        self.height = height
        self.previousHash = previousHash
        self.merkleRoot = merkleRoot
        self.timestampMilliseconds = timestampMilliseconds
        self.transactionCount = transactionCount
        self.seal = seal
    }

    /// SHA-256 of the canonical encoding.
    public var hash: Hash256 { Hash256.sha256(canonicalBytes) }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(height)
        writer.write(previousHash)
        writer.write(merkleRoot)
        writer.write(timestampMilliseconds)
        writer.write(transactionCount)
        writer.write(seal)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        height = try reader.readUInt64("header.height")
        previousHash = try reader.readHash("header.previousHash")
        merkleRoot = try reader.readHash("header.merkleRoot")
        timestampMilliseconds = try reader.readUInt64("header.timestamp")
        transactionCount = try reader.readUInt32("header.transactionCount")
        seal = try reader.read()
    }
}

/// Why a block cannot extend a chain.
public enum ChainError: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongHeight(expected: UInt64, found: UInt64)
    case wrongPreviousHash(height: UInt64, expected: Hash256, found: Hash256)
    case merkleRootMismatch(height: UInt64)
    case transactionCountMismatch(height: UInt64, header: UInt32, body: Int)
    case genesisMismatch(expected: Hash256, found: Hash256)
    /// Contracts read the block time as "now": it may not run backwards.
    case timestampBeforeParent(height: UInt64, parentMilliseconds: UInt64, foundMilliseconds: UInt64)

    public var description: String {
        switch self {
        case .wrongHeight(let expected, let found):
            "block height \(found) does not follow the chain (expected \(expected))"
        case .wrongPreviousHash(let height, let expected, let found):
            "block \(height) links to \(found.short), the chain's head is \(expected.short)"
        case .merkleRootMismatch(let height):
            "block \(height)'s Merkle root does not match its transactions"
        case .transactionCountMismatch(let height, let header, let body):
            "block \(height) announces \(header) transactions and holds \(body)"
        case .genesisMismatch(let expected, let found):
            "genesis block \(found.short) is not this federation's (\(expected.short))"
        case .timestampBeforeParent(let height, let parent, let found):
            "block \(height) is timed \(found) ms, before its parent's \(parent) ms"
        }
    }
}

/// A header and its transactions.
public struct Block: Sendable, Hashable, CanonicalCodable {
    public let header: BlockHeader
    public let transactions: [Transaction]
    /// The header's hash, computed once.
    public let hash: Hash256

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
        hash = header.hash
    }

    /// Builds a block on top of `previous` whose root and count match the transactions.
    public init(
        height: UInt64, previousHash: Hash256, timestampMilliseconds: UInt64,
        seal: ConsensusSeal, transactions: [Transaction]
    ) {
        let header = BlockHeader(
            height: height, previousHash: previousHash,
            merkleRoot: MerkleTree.root(of: transactions.map(\.merkleLeaf)),
            timestampMilliseconds: timestampMilliseconds,
            transactionCount: UInt32(transactions.count), seal: seal)
        self.init(header: header, transactions: transactions)
    }

    /// Checks that the body matches the header's count and Merkle root.
    public func verifyBody() throws(ChainError) {
        guard Int(header.transactionCount) == transactions.count else {
            throw .transactionCountMismatch(height: header.height, header: header.transactionCount,
                                            body: transactions.count)
        }
        guard MerkleTree.root(of: transactions.map(\.merkleLeaf)) == header.merkleRoot else {
            throw .merkleRootMismatch(height: header.height)
        }
    }

    /// Checks that this block directly follows `previous` and that its body is intact.
    public func verifyLink(to previous: BlockHeader, previousHash: Hash256) throws(ChainError) {
        guard header.height == previous.height + 1 else {
            throw .wrongHeight(expected: previous.height + 1, found: header.height)
        }
        guard header.previousHash == previousHash else {
            throw .wrongPreviousHash(height: header.height, expected: previousHash, found: header.previousHash)
        }
        guard header.timestampMilliseconds >= previous.timestampMilliseconds else {
            throw .timestampBeforeParent(height: header.height, parentMilliseconds: previous.timestampMilliseconds,
                                         foundMilliseconds: header.timestampMilliseconds)
        }
        try verifyBody()
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(header)
        for transaction in transactions { writer.write(transaction) }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let header = try reader.read(BlockHeader.self)
        let count = Int(header.transactionCount)
        // The smallest transaction is far above 64 bytes; a count the bytes cannot hold is malformed.
        guard count <= reader.remainingCount / 64 else {
            throw .truncated(field: "block.transactions", neededBytes: count * 64, availableBytes: reader.remainingCount)
        }
        var transactions: [Transaction] = []
        transactions.reserveCapacity(count)
        for _ in 0..<count { transactions.append(try reader.read()) }
        self.init(header: header, transactions: transactions)
    }

    public static func == (lhs: Block, rhs: Block) -> Bool {
        lhs.hash == rhs.hash && lhs.transactions == rhs.transactions
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

/// Merkle tree over transaction ids, with RFC 6962's domain separation and split rule, so no two
/// different lists of ids share a root (unlike Bitcoin's duplicate-last-node rule).
enum MerkleTree {
    /// The root of `leaves`; the root of no leaves is SHA-256 of nothing.
    public static func root(of leaves: [Hash256]) -> Hash256 {
        if leaves.isEmpty { return Hash256.sha256([UInt8]()) }
        var level = leaves.map { leaf -> Hash256 in
            var bytes: [UInt8] = [0]
            leaf.appendBytes(to: &bytes)
            return Hash256.sha256(bytes)
        }
        return subtreeRoot(&level, level.startIndex, level.endIndex)
    }

    private static func subtreeRoot(_ nodes: inout [Hash256], _ start: Int, _ end: Int) -> Hash256 {
        let count = end - start
        if count == 1 { return nodes[start] }
        // Split at the largest power of two below count, as RFC 6962 does.
        var split = 1
        while split * 2 < count { split *= 2 }
        let left = subtreeRoot(&nodes, start, start + split)
        let right = subtreeRoot(&nodes, start + split, end)
        var bytes: [UInt8] = [1]
        bytes.reserveCapacity(65)
        left.appendBytes(to: &bytes)
        right.appendBytes(to: &bytes)
        return Hash256.sha256(bytes)
    }
}
