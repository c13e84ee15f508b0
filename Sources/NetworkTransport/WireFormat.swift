internal import LedgerPrimitives
internal import NIOCore
internal import Transport

/// The bytes on a TCP connection between two endpoints.
///
/// Every frame is a 4-byte big-endian body length followed by the body, at most
/// ``TCPEndpointConfiguration/maximumFrameBytes`` long:
///
/// ```
/// frame  = length:u32be  body
/// body   = version:u8 (= 1)  kind:u8  fields
/// hello  (kind 1): nameLength:u16be  name:UTF-8 (1...255 bytes)  nonce:32 bytes
/// proof  (kind 2): signature:64 bytes (raw P-256 ECDSA r ‖ s)
/// data   (kind 3): payload (the bytes given to `send`, up to the end of the body)
/// ```
///
/// A connection starts with a mutual signed challenge. Each side sends a hello with its name and a fresh
/// random nonce. On the peer's hello, a side looks the name up in its directory and answers with a proof:
/// its signature over the SHA-256 of the transcript
/// `"vernier-handshake-v1" ‖ peer's nonce ‖ u16be length ‖ own name ‖ u16be length ‖ peer's name`.
/// On the peer's proof, it verifies the signature with the directory's key for the claimed name. A side
/// sends data only once it has verified the peer's proof; since its own proof left before, the peer
/// has verified (or refused) it by the time the data arrives, in stream order. Signatures are checked in
/// the handshake only, never on data frames.
enum WireFormat {
    /// The version byte of every frame body.
    static let version: UInt8 = 1
    /// Bytes of the big-endian length before every body.
    static let lengthPrefixBytes = 4
    /// Bytes of the version and the kind at the start of every body.
    static let bodyHeaderBytes = 2
    /// Bytes a data frame adds to its payload on the wire: length prefix, version and kind.
    static let dataFrameOverheadBytes = lengthPrefixBytes + bodyHeaderBytes
    /// Bytes of a handshake nonce.
    static let nonceBytes = 32
    /// The longest name a hello carries, in UTF-8 bytes.
    static let maximumNameBytes = 255
    /// The smallest frame size limit that still lets every handshake frame through.
    static let smallestUsefulFrameBytes = 1_024
    /// The domain tag at the start of every handshake transcript.
    static let handshakeDomain = Array("vernier-handshake-v1".utf8)

    /// What a frame body holds, after its version byte.
    enum Kind: UInt8 {
        case hello = 1
        case proof = 2
        case data = 3
    }

    /// Appends a data frame carrying `payload` to `buffer`.
    static func appendDataFrame(_ payload: [UInt8], to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(bodyHeaderBytes + payload.count))
        buffer.writeInteger(version)
        buffer.writeInteger(Kind.data.rawValue)
        buffer.writeBytes(payload)
    }

    /// A hello frame claiming `name`, with `nonce` as the challenge for the peer.
    static func helloFrame(name: NodeAddress, nonce: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        let nameBytes = Array(name.name.utf8)
        var buffer = allocator.buffer(capacity: lengthPrefixBytes + bodyHeaderBytes + 2 + nameBytes.count + nonce.count)
        buffer.writeInteger(UInt32(bodyHeaderBytes + 2 + nameBytes.count + nonce.count))
        buffer.writeInteger(version)
        buffer.writeInteger(Kind.hello.rawValue)
        buffer.writeInteger(UInt16(nameBytes.count))
        buffer.writeBytes(nameBytes)
        buffer.writeBytes(nonce)
        return buffer
    }

    /// A proof frame carrying `signature`.
    static func proofFrame(signature: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: lengthPrefixBytes + bodyHeaderBytes + signature.count)
        buffer.writeInteger(UInt32(bodyHeaderBytes + signature.count))
        buffer.writeInteger(version)
        buffer.writeInteger(Kind.proof.rawValue)
        buffer.writeBytes(signature)
        return buffer
    }

    /// A hello's fields: the claimed name and the challenge nonce.
    struct Hello: Hashable, Sendable {
        var name: NodeAddress
        var nonce: [UInt8]
    }

    /// Reads a hello's fields from the rest of a body, or says what is wrong with them.
    static func parseHello(_ fields: inout ByteBuffer) -> Result<Hello, MalformedFrame> {
        guard let nameLength = fields.readInteger(as: UInt16.self) else {
            return .failure(MalformedFrame("hello without a name length"))
        }
        guard (1...maximumNameBytes).contains(Int(nameLength)) else {
            return .failure(MalformedFrame("hello name length \(nameLength) outside 1...\(maximumNameBytes)"))
        }
        guard fields.readableBytes == Int(nameLength) + nonceBytes else {
            return .failure(MalformedFrame("hello has \(fields.readableBytes) bytes after the name length, not \(Int(nameLength) + nonceBytes)"))
        }
        let nameBytes = fields.readBytes(length: Int(nameLength)) ?? []
        guard let name = String(validating: nameBytes, as: UTF8.self) else {
            return .failure(MalformedFrame("hello name is not UTF-8"))
        }
        let nonce = fields.readBytes(length: nonceBytes) ?? []
        return .success(Hello(name: NodeAddress(name), nonce: nonce))
    }

    /// Reads a proof's signature from the rest of a body, or says what is wrong with it.
    static func parseProof(_ fields: inout ByteBuffer) -> Result<[UInt8], MalformedFrame> {
        guard fields.readableBytes == SigningAccount.signatureLength,
              let signature = fields.readBytes(length: SigningAccount.signatureLength) else {
            return .failure(MalformedFrame("proof has \(fields.readableBytes) bytes, not \(SigningAccount.signatureLength)"))
        }
        return .success(signature)
    }

    /// The digest `signer` signs to answer the challenge `verifierNonce` of `verifier`.
    static func handshakeDigest(verifierNonce: [UInt8], signer: NodeAddress, verifier: NodeAddress) -> Hash256 {
        let signerBytes = Array(signer.name.utf8)
        let verifierBytes = Array(verifier.name.utf8)
        var transcript: [UInt8] = []
        transcript.reserveCapacity(handshakeDomain.count + verifierNonce.count + 4 + signerBytes.count + verifierBytes.count)
        transcript += handshakeDomain
        transcript += verifierNonce
        appendBigEndian(UInt16(signerBytes.count), to: &transcript)
        transcript += signerBytes
        appendBigEndian(UInt16(verifierBytes.count), to: &transcript)
        transcript += verifierBytes
        return Hash256.sha256(transcript)
    }

    /// A fresh random nonce from the system's cryptographic generator.
    static func freshNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func appendBigEndian(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }
}

/// What is wrong with a frame that breaks the wire format.
struct MalformedFrame: Error, Hashable, Sendable, CustomStringConvertible {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    var description: String { reason }
}
