/// Why bytes could not be decoded: every malformed input ends here, never in a trap.
public enum CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before a field of `field` was complete.
    case truncated(field: String, neededBytes: Int, availableBytes: Int)
    /// A length or count exceeds what the format allows.
    case oversized(field: String, length: Int, limit: Int)
    /// A tag byte names no known case.
    case unknownTag(field: String, tag: UInt8)
    /// A value is outside its allowed range or not in canonical form.
    case invalidValue(field: String, reason: String)
    /// Bytes remained after a complete value.
    case trailingBytes(count: Int)

    public var description: String {
        switch self {
        case .truncated(let field, let needed, let available):
            "truncated input in \(field): needed \(needed) bytes, \(available) left"
        case .oversized(let field, let length, let limit):
            "\(field) is \(length) long, over the limit of \(limit)"
        case .unknownTag(let field, let tag):
            "unknown tag \(tag) in \(field)"
        case .invalidValue(let field, let reason):
            "invalid \(field): \(reason)"
        case .trailingBytes(let count):
            "\(count) trailing bytes after a complete value"
        }
    }
}

/// A value with exactly one binary encoding, used for hashing, signing, storage and the wire.
public protocol CanonicalCodable: Sendable {
    /// Appends the canonical encoding.
    func encode(to writer: inout CanonicalWriter)
    /// Reads a value, throwing `CodecError` on anything malformed.
    init(from reader: inout CanonicalReader) throws(CodecError)
}

extension CanonicalCodable {
    /// The canonical encoding as a fresh byte array.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes a whole buffer; trailing bytes are an error.
    public init(canonicalBytes bytes: [UInt8]) throws(CodecError) {
        var reader = CanonicalReader(bytes)
        self = try Self(from: &reader)
        try reader.expectEnd()
    }
}

/// Appends fixed-width big-endian integers and length-prefixed fields to a byte buffer.
public struct CanonicalWriter: Sendable {
    /// What has been written so far.
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(_ value: UInt16) { appendBigEndian(value) }

    public mutating func write(_ value: UInt32) { appendBigEndian(value) }

    public mutating func write(_ value: UInt64) { appendBigEndian(value) }

    public mutating func write(_ value: Hash256) { value.appendBytes(to: &bytes) }

    /// Writes bytes whose length the format fixes (keys, signatures); no prefix.
    public mutating func writeFixed(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    /// Writes a UInt32 length, then the bytes.
    public mutating func writeLengthPrefixed(_ value: [UInt8]) {
        write(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a UTF-8 string with a UInt16 length prefix.
    public mutating func write(_ value: String) {
        let utf8 = value.utf8
        write(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Writes a UInt32 count, then each element.
    public mutating func write<Element: CanonicalCodable>(_ values: [Element]) {
        write(UInt32(values.count))
        for value in values { value.encode(to: &self) }
    }

    public mutating func write(_ value: some CanonicalCodable) { value.encode(to: &self) }

    private mutating func appendBigEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        var bigEndian = value.bigEndian
        withUnsafeBytes(of: &bigEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads what `CanonicalWriter` wrote, checking every length against what remains and a limit.
public struct CanonicalReader: Sendable {
    /// The largest length-prefixed byte field accepted (documents are referenced by hash, not stored).
    public static let maximumBytesLength = 16 * 1024 * 1024
    /// The largest string accepted, in UTF-8 bytes.
    public static let maximumStringLength = 4096
    /// The largest element count accepted for an array.
    public static let maximumArrayCount = 1_000_000

    private let buffer: [UInt8]
    /// The offset of the next unread byte.
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        buffer = bytes
        offset = 0
    }

    /// How many bytes are left.
    public var remainingCount: Int { buffer.count - offset }

    public mutating func readUInt8(_ field: String) throws(CodecError) -> UInt8 {
        try require(1, field)
        defer { offset += 1 }
        return buffer[offset]
    }

    public mutating func readBool(_ field: String) throws(CodecError) -> Bool {
        switch try readUInt8(field) {
        case 0: return false
        case 1: return true
        case let other: throw .invalidValue(field: field, reason: "boolean byte \(other) is neither 0 nor 1")
        }
    }

    public mutating func readUInt16(_ field: String) throws(CodecError) -> UInt16 { try readInteger(field) }

    public mutating func readUInt32(_ field: String) throws(CodecError) -> UInt32 { try readInteger(field) }

    public mutating func readUInt64(_ field: String) throws(CodecError) -> UInt64 { try readInteger(field) }

    public mutating func readHash(_ field: String) throws(CodecError) -> Hash256 {
        try require(32, field)
        defer { offset += 32 }
        return Hash256(bytes: buffer[offset..<offset + 32])!
    }

    /// Reads bytes whose length the format fixes.
    public mutating func readFixed(_ count: Int, _ field: String) throws(CodecError) -> [UInt8] {
        try require(count, field)
        defer { offset += count }
        return Array(buffer[offset..<offset + count])
    }

    /// Reads a UInt32 length (at most `limit`) and that many bytes.
    public mutating func readLengthPrefixed(
        _ field: String, limit: Int = CanonicalReader.maximumBytesLength
    ) throws(CodecError) -> [UInt8] {
        let length = Int(try readUInt32(field))
        guard length <= limit else { throw .oversized(field: field, length: length, limit: limit) }
        return try readFixed(length, field)
    }

    /// Reads a UInt16-prefixed string that must be valid UTF-8 and at most `limit` bytes.
    public mutating func readString(
        _ field: String, limit: Int = CanonicalReader.maximumStringLength
    ) throws(CodecError) -> String {
        let length = Int(try readUInt16(field))
        guard length <= limit else { throw .oversized(field: field, length: length, limit: limit) }
        try require(length, field)
        let slice = buffer[offset..<offset + length]
        offset += length
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw .invalidValue(field: field, reason: "not valid UTF-8")
        }
        return string
    }

    /// Reads a UInt32 count (at most `limit`), then that many elements.
    public mutating func readArray<Element: CanonicalCodable>(
        _ field: String, limit: Int = CanonicalReader.maximumArrayCount
    ) throws(CodecError) -> [Element] {
        let count = Int(try readUInt32(field))
        guard count <= limit else { throw .oversized(field: field, length: count, limit: limit) }
        // Every element takes at least one byte, so a count beyond what is left is truncation.
        guard count <= remainingCount else {
            throw .truncated(field: field, neededBytes: count, availableBytes: remainingCount)
        }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try Element(from: &self)) }
        return elements
    }

    public mutating func read<Value: CanonicalCodable>(_: Value.Type = Value.self) throws(CodecError) -> Value {
        try Value(from: &self)
    }

    /// Throws unless every byte has been read.
    public func expectEnd() throws(CodecError) {
        if remainingCount != 0 { throw .trailingBytes(count: remainingCount) }
    }

    private func require(_ count: Int, _ field: String) throws(CodecError) {
        if count > remainingCount {
            throw .truncated(field: field, neededBytes: count, availableBytes: remainingCount)
        }
    }

    private mutating func readInteger<Integer: FixedWidthInteger>(_ field: String) throws(CodecError) -> Integer {
        let size = MemoryLayout<Integer>.size
        try require(size, field)
        var value: Integer = 0
        for index in offset..<offset + size { value = value << 8 | Integer(buffer[index]) }
        offset += size
        return value
    }
}

/// An enum encoded as its one-byte raw value; an unknown byte is an `unknownTag` error.
public protocol CanonicalByteEnum: CanonicalCodable, RawRepresentable where RawValue == UInt8 {
    /// The field name that errors report.
    static var fieldName: String { get }
}

extension CanonicalByteEnum {
    public func encode(to writer: inout CanonicalWriter) { writer.write(rawValue) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let tag = try reader.readUInt8(Self.fieldName)
        guard let value = Self(rawValue: tag) else { throw .unknownTag(field: Self.fieldName, tag: tag) }
        self = value
    }
}
