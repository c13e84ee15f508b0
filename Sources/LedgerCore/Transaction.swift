/// A signed contract call from one account, ordered by that account's nonce.
///
/// The id is SHA-256 of a domain tag and the signed payload (sender key, nonce, call); the
/// signature signs the id. The signature is a witness outside the id, as in segregated witness:
/// ids, Merkle roots and block hashes stay identical when a client re-signs the same payload
/// (ECDSA signatures are randomised), which keeps seeded simulations replayable.
///
/// In execute-order-validate a transaction also carries its `execution`: the endorsed simulation
/// result, signed again by the sender (Fabric's envelope). Its Merkle leaf is then the envelope
/// digest, so a block commits to the read-write set it applies.
public import Contracts
public import LedgerPrimitives
public struct Transaction: Sendable, Hashable, CanonicalCodable {
    /// The sender's compressed P-256 public key (33 bytes).
    public let senderKey: [UInt8]
    /// Must equal the sender's next nonce when the transaction is validated.
    public let nonce: UInt64
    public let call: ContractCall
    /// Raw P-256 ECDSA signature (r || s, 64 bytes) of `id`.
    public let signature: [UInt8]
    /// SHA-256 of the signed payload.
    public let id: Hash256
    /// The sender's address, derived from `senderKey`.
    public let sender: Address
    /// The endorsed result, in execute-order-validate; nil for a proposal or an order-execute call.
    public let execution: EndorsedExecution?
    /// What a block's Merkle tree commits to: `id`, or the envelope digest of an endorsed transaction.
    public let merkleLeaf: Hash256

    /// Builds and signs a transaction.
    public init(signedBy account: SigningAccount, nonce: UInt64, call: ContractCall) {
        senderKey = account.publicKey
        self.nonce = nonce
        self.call = call
        id = Self.payloadId(senderKey: senderKey, nonce: nonce, call: call)
        sender = account.address
        signature = account.sign(id)
        execution = nil
        merkleLeaf = id
    }

    /// The envelope of an endorsed proposal: the sender signs the result and its endorsers.
    public init(endorsing proposal: Transaction, signedBy account: SigningAccount, result: SimulationResult,
                endorsements: [Endorsement]) {
        precondition(account.publicKey == proposal.senderKey, "only a proposal's sender signs its envelope")
        let digest = EndorsedExecution.envelopeDigest(transactionId: proposal.id, result: result,
                                                      endorsers: endorsements.map(\.endorserIndex))
        self.init(senderKey: proposal.senderKey, nonce: proposal.nonce, call: proposal.call, signature: proposal.signature,
                  execution: EndorsedExecution(result: result, endorsements: endorsements, clientSignature: account.sign(digest)))
    }

    /// Assembles a transaction from parts, for tests and decoders; nothing is checked here.
    public init(senderKey: [UInt8], nonce: UInt64, call: ContractCall, signature: [UInt8],
                execution: EndorsedExecution? = nil) {
        self.senderKey = senderKey
        self.nonce = nonce
        self.call = call
        self.signature = signature
        let id = Self.payloadId(senderKey: senderKey, nonce: nonce, call: call)
        self.id = id
        sender = Address(publicKey: senderKey)
        self.execution = execution
        merkleLeaf = execution?.envelopeDigest(for: id) ?? id
    }

    /// The proposal alone: this transaction without its execution.
    public var proposal: Transaction {
        execution == nil ? self : Transaction(senderKey: senderKey, nonce: nonce, call: call, signature: signature)
    }

    /// What the sender's signature that counts signs, and that signature: the id and the proposal
    /// signature, or for an endorsed transaction the envelope digest and the envelope signature.
    public var signedDigest: (digest: Hash256, signature: [UInt8]) {
        if let execution { return (merkleLeaf, execution.clientSignature) }
        return (id, signature)
    }

    /// True when the sender's signature verifies (the envelope's, for an endorsed transaction).
    public var hasValidSignature: Bool {
        let (digest, signature) = signedDigest
        return SignatureCheck.isValid(signature: signature, of: digest, publicKey: senderKey)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.writeFixed(senderKey)
        writer.write(nonce)
        writer.write(call)
        writer.writeFixed(signature)
        writer.write(execution != nil)
        if let execution { writer.write(execution) }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let key = try reader.readFixed(SigningAccount.publicKeyLength, "transaction.senderKey")
        guard key[0] == 2 || key[0] == 3 else {
            throw .invalidValue(field: "transaction.senderKey", reason: "prefix \(key[0]) is not a compressed point")
        }
        let nonce = try reader.readUInt64("transaction.nonce")
        let call = try reader.read(ContractCall.self)
        let signature = try reader.readFixed(SigningAccount.signatureLength, "transaction.signature")
        let execution: EndorsedExecution? = try reader.readBool("transaction.isEndorsed") ? try reader.read() : nil
        self.init(senderKey: key, nonce: nonce, call: call, signature: signature, execution: execution)
    }

    public static func == (lhs: Transaction, rhs: Transaction) -> Bool {
        lhs.id == rhs.id && lhs.signature == rhs.signature && lhs.execution == rhs.execution
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    private static func payloadId(senderKey: [UInt8], nonce: UInt64, call: ContractCall) -> Hash256 {
        var writer = CanonicalWriter()
        writer.writeFixed(domainTag)
        writer.writeFixed(senderKey)
        writer.write(nonce)
        writer.write(call)
        return Hash256.sha256(writer.bytes)
    }

    private static let domainTag = Array("vernier-tx-v1".utf8)
}

extension SignatureVerifier {
    /// True when the transaction's signature verifies against its sender key (the envelope's
    /// signature, for an endorsed transaction).
    public mutating func isValid(_ transaction: Transaction) -> Bool {
        let (digest, signature) = transaction.signedDigest
        return isValid(signature: signature, of: digest, publicKey: transaction.senderKey)
    }
}
