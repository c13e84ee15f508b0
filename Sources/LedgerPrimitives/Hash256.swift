import Crypto

/// A 32-byte SHA-256 value: transaction ids, block hashes, state digests, pseudonyms.
///
/// Stored as four big-endian words so that it is cheap to copy, hash and compare.
public struct Hash256: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The all-zero value, used as the previous hash of the genesis block.
    public static let zero = Hash256(words: (0, 0, 0, 0))

    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = words
    }

    /// Makes a value from exactly 32 bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            words[index / 8] = words[index / 8] << 8 | UInt64(byte)
        }
        self.init(words: (words[0], words[1], words[2], words[3]))
    }

    /// Parses 64 hexadecimal digits.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: bytes)
    }

    /// SHA-256 of the given bytes.
    public static func sha256(_ bytes: some Sequence<UInt8>) -> Hash256 {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return Hash256(digest: hasher.finalize())
    }

    /// SHA-256 of contiguous bytes without an intermediate copy.
    public static func sha256(_ bytes: [UInt8]) -> Hash256 {
        Hash256(digest: SHA256.hash(data: bytes))
    }

    init(digest: SHA256.Digest) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        digest.withUnsafeBytes { raw in
            words.0 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            words.1 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            words.2 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            words.3 = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
        self.init(words: words)
    }

    /// The 32 bytes, most significant first.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(32)
        appendBytes(to: &result)
        return result
    }

    /// Appends the 32 bytes to a buffer without allocating.
    public func appendBytes(to buffer: inout [UInt8]) {
        for word in [w0, w1, w2, w3] {
            var bigEndian = word.bigEndian
            withUnsafeBytes(of: &bigEndian) { buffer.append(contentsOf: $0) }
        }
    }

    /// Lowercase hexadecimal, 64 digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(64)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The first 8 hex digits, for logs and tables.
    public var short: String { String(hex.prefix(8)) }

    public var description: String { hex }

    /// The leading 64 bits, most significant first (proof-of-work compares these with a target).
    public var leadingWord: UInt64 { w0 }

    public static func < (lhs: Hash256, rhs: Hash256) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
