public import Contracts
public import LedgerPrimitives

/// One key a simulation read, and the version it saw (nil: the key was absent).
public struct KeyRead: Sendable, Hashable, CanonicalCodable {
    public var key: StateKey
    public var version: StateVersion?

    public init(key: StateKey, version: StateVersion?) {
        self.key = key
        self.version = version
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.writeLengthPrefixed(key.bytes)
        writer.write(version != nil)
        if let version { writer.write(version) }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        key = StateKey(bytes: try reader.readLengthPrefixed("read.key", limit: StateKey.maximumLength))
        version = try reader.readBool("read.hasVersion") ? try reader.read() : nil
    }
}

/// One key a simulation wrote: its new value, or nil for a delete.
public struct KeyWrite: Sendable, Hashable, CanonicalCodable {
    public var key: StateKey
    public var value: [UInt8]?

    public init(key: StateKey, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.writeLengthPrefixed(key.bytes)
        writer.write(value != nil)
        if let value { writer.writeLengthPrefixed(value) }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        key = StateKey(bytes: try reader.readLengthPrefixed("write.key", limit: StateKey.maximumLength))
        value = try reader.readBool("write.isPut") ? try reader.readLengthPrefixed("write.value", limit: KeyWrite.maximumValueLength) : nil
    }

    /// The longest value a write may carry.
    public static let maximumValueLength = 64 * 1024
}

/// What simulating a call on one peer's state produced: the versions it read and the values it
/// would write, each sorted by key so that equal simulations encode equally.
public struct ReadWriteSet: Sendable, Hashable, CanonicalCodable {
    public var reads: [KeyRead]
    public var writes: [KeyWrite]

    /// The most reads or writes one set may hold.
    public static let maximumEntries = 4_096

    public init(reads: [KeyRead], writes: [KeyWrite]) {
        self.reads = reads.sorted { $0.key < $1.key }
        self.writes = writes.sorted { $0.key < $1.key }
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(reads)
        writer.write(writes)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let reads: [KeyRead] = try reader.readArray("readWriteSet.reads", limit: Self.maximumEntries)
        let writes: [KeyWrite] = try reader.readArray("readWriteSet.writes", limit: Self.maximumEntries)
        // Canonical form: strictly ascending keys, so a set has one encoding and no key twice.
        for list in [reads.map(\.key), writes.map(\.key)] {
            for (earlier, later) in zip(list, list.dropFirst()) where !(earlier < later) {
                throw .invalidValue(field: "readWriteSet", reason: "keys are not strictly ascending")
            }
        }
        self.reads = reads
        self.writes = writes
    }
}
