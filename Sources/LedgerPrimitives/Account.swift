public import Crypto

/// An account's on-ledger identity: SHA-256 of its compressed P-256 public key.
public struct Address: Hashable, Sendable, Comparable, CanonicalCodable, CustomStringConvertible {
    /// The hash that is the address.
    public let hash: Hash256

    public init(hash: Hash256) { self.hash = hash }

    /// The address of a compressed public key.
    public init(publicKey: [UInt8]) { hash = Hash256.sha256(publicKey) }

    public func encode(to writer: inout CanonicalWriter) { writer.write(hash) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        hash = try reader.readHash("address")
    }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.hash < rhs.hash }

    public var description: String { "0x" + hash.hex.prefix(40) }
}

/// A signing account: a P-256 private key, its compressed public key and its address.
public struct SigningAccount: Sendable {
    /// Length of a compressed P-256 public key.
    public static let publicKeyLength = 33
    /// Length of a raw (r || s) P-256 ECDSA signature.
    public static let signatureLength = 64

    public let privateKey: P256.Signing.PrivateKey
    /// The compressed public key carried by every transaction of this account.
    public let publicKey: [UInt8]
    public let address: Address

    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
        publicKey = Array(privateKey.publicKey.compressedRepresentation)
        address = Address(publicKey: publicKey)
    }

    /// The account number `index` of a benchmark seeded with `seed`: the same keys on every run.
    ///
    /// The scalar is SHA-256 of a domain tag, the seed, the index and a counter; the counter moves on
    /// in the (astronomically rare) case that the hash is not a valid P-256 scalar.
    public static func deterministic(seed: UInt64, index: UInt64) -> SigningAccount {
        var counter: UInt32 = 0
        while true {
            var writer = CanonicalWriter()
            writer.writeFixed(Array("vernier-account-key-v1".utf8))
            writer.write(seed)
            writer.write(index)
            writer.write(counter)
            let scalar = Hash256.sha256(writer.bytes).bytes
            if let key = try? P256.Signing.PrivateKey(rawRepresentation: scalar) {
                return SigningAccount(privateKey: key)
            }
            counter += 1
            precondition(counter < 1_000, "no valid P-256 scalar in 1000 tries: the hash is broken")
        }
    }

    /// Signs a 32-byte message digest (a transaction id); returns the raw 64-byte signature.
    public func sign(_ digest: Hash256) -> [UInt8] {
        // Signing a well-formed key over bytes cannot fail in swift-crypto's P-256.
        let signature = try! privateKey.signature(for: digest.bytes)
        return Array(signature.rawRepresentation)
    }
}

/// Checks P-256 ECDSA signatures made by `SigningAccount.sign`.
public enum SignatureCheck {
    /// True when `signature` is a valid signature of `digest` by the compressed `publicKey`.
    public static func isValid(signature: [UInt8], of digest: Hash256, publicKey: [UInt8]) -> Bool {
        guard publicKey.count == SigningAccount.publicKeyLength,
              signature.count == SigningAccount.signatureLength,
              let key = try? P256.Signing.PublicKey(compressedRepresentation: publicKey),
              let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(ecdsa, for: digest.bytes)
    }
}

/// Verifies transaction signatures, keeping decoded public keys so that an account's later
/// transactions skip point decompression (a modular square root per compressed key).
///
/// The cache is bounded: when it holds `capacity` keys it is emptied and starts again.
public struct SignatureVerifier: Sendable {
    private var keys: [[UInt8]: P256.Signing.PublicKey] = [:]
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        precondition(capacity > 0, "a signature verifier needs room for at least one key")
        self.capacity = capacity
    }

    /// True when `signature` is a valid signature of `digest` by the compressed `publicKey`.
    public mutating func isValid(signature: [UInt8], of digest: Hash256, publicKey: [UInt8]) -> Bool {
        guard signature.count == SigningAccount.signatureLength,
              let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
              let key = self.publicKey(publicKey)
        else { return false }
        return key.isValidSignature(ecdsa, for: digest.bytes)
    }

    private mutating func publicKey(_ bytes: [UInt8]) -> P256.Signing.PublicKey? {
        if let key = keys[bytes] { return key }
        guard bytes.count == SigningAccount.publicKeyLength,
              let key = try? P256.Signing.PublicKey(compressedRepresentation: bytes) else { return nil }
        if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
        keys[bytes] = key
        return key
    }
}

extension Address: Codable {
    /// Decodes an address from the 64 hexadecimal digits of its hash.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let hash = Hash256(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "an address is 64 hexadecimal digits, not '\(text)'"))
        }
        self.init(hash: hash)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hash.hex)
    }
}
