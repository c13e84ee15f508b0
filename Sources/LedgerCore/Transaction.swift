/// A signed contract call from one account, ordered by that account's nonce.
///
/// The id is SHA-256 of a domain tag and the signed payload (sender key, nonce, call); the
/// signature signs the id. The signature is a witness outside the id, as in segregated witness:
/// ids, Merkle roots and block hashes stay identical when a client re-signs the same payload
/// (ECDSA signatures are randomised), which keeps seeded simulations replayable.
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

    /// Builds and signs a transaction.
    public init(signedBy account: SigningAccount, nonce: UInt64, call: ContractCall) {
        senderKey = account.publicKey
        self.nonce = nonce
        self.call = call
        id = Self.payloadId(senderKey: senderKey, nonce: nonce, call: call)
        sender = account.address
        signature = account.sign(id)
    }

    /// Assembles a transaction from parts, for tests and decoders; nothing is checked here.
    public init(senderKey: [UInt8], nonce: UInt64, call: ContractCall, signature: [UInt8]) {
        self.senderKey = senderKey
        self.nonce = nonce
        self.call = call
        self.signature = signature
        id = Self.payloadId(senderKey: senderKey, nonce: nonce, call: call)
        sender = Address(publicKey: senderKey)
    }

    /// True when the signature verifies against the sender key.
    public var hasValidSignature: Bool {
        SignatureCheck.isValid(signature: signature, of: id, publicKey: senderKey)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.writeFixed(senderKey)
        writer.write(nonce)
        writer.write(call)
        writer.writeFixed(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let key = try reader.readFixed(SigningAccount.publicKeyLength, "transaction.senderKey")
        guard key[0] == 2 || key[0] == 3 else {
            throw .invalidValue(field: "transaction.senderKey", reason: "prefix \(key[0]) is not a compressed point")
        }
        let nonce = try reader.readUInt64("transaction.nonce")
        let call = try reader.read(ContractCall.self)
        let signature = try reader.readFixed(SigningAccount.signatureLength, "transaction.signature")
        self.init(senderKey: key, nonce: nonce, call: call, signature: signature)
    }

    public static func == (lhs: Transaction, rhs: Transaction) -> Bool {
        lhs.id == rhs.id && lhs.signature == rhs.signature
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
