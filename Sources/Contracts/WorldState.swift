/// A key in the world state: a namespace byte and the bytes that name the entry.
public import LedgerPrimitives
public struct StateKey: Hashable, Sendable, Comparable {
    public let bytes: [UInt8]

    public init(_ namespace: StateNamespace, _ parts: [UInt8]...) {
        var bytes = [namespace.rawValue]
        for part in parts { bytes.append(contentsOf: part) }
        self.bytes = bytes
    }

    /// A key from its raw bytes (a decoded read-write set); nothing is checked here.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The longest key a read-write set may name.
    public static let maximumLength = 1_024

    public static func < (lhs: StateKey, rhs: StateKey) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// The first byte of every state key, keeping contracts' entries apart.
public enum StateNamespace: UInt8, Sendable {
    case nonce = 1
    case simpleAccount = 2
    case regulator = 10
    case doctor = 11
    case pharmacy = 12
    case patient = 13
    case permission = 14
    case treatment = 15
    case recordCount = 16
    case auditCount = 17
    case auditEntry = 18
    case dispensation = 19
    case smallbankAccount = 30
}

/// A value in the world state and the version of the transaction that wrote it.
struct StoredValue: Sendable {
    var bytes: [UInt8]
    var version: StateVersion
}

/// The deterministic key-value state every peer derives from the chain.
///
/// `digest` chains the write set of every block: SHA-256 of the previous digest, the height and
/// the block's final writes in key order. Two peers agree on it exactly when they applied the same
/// writes in the same blocks. Each entry keeps its version (height and index of its writer), which
/// execute-order-validate checks reads against.
public struct WorldState: Sendable {
    private var entries: [StateKey: StoredValue] = [:]
    /// The digest after the last applied block.
    public private(set) var digest: Hash256

    /// An empty state whose digest starts from the genesis block's hash.
    public init(genesisHash: Hash256) {
        digest = genesisHash
    }

    /// The value under `key`, if any.
    public func value(for key: StateKey) -> [UInt8]? { entries[key]?.bytes }

    /// The version of the value under `key`; nil when the key holds nothing.
    public func version(of key: StateKey) -> StateVersion? { entries[key]?.version }

    /// How many keys hold a value.
    public var count: Int { entries.count }

    /// Applies one block's final writes (nil deletes) and chains the digest; `writers` gives each
    /// key's writing transaction's index in the block (0 when absent).
    package mutating func commit(writes: [StateKey: [UInt8]?], height: UInt64, writers: [StateKey: UInt32] = [:]) {
        var writer = CanonicalWriter(reservingCapacity: 64 + writes.count * 64)
        writer.write(digest)
        writer.write(height)
        writer.write(UInt32(writes.count))
        for key in writes.keys.sorted() {
            let value = writes[key]!
            writer.writeLengthPrefixed(key.bytes)
            if let value {
                writer.write(UInt8(1))
                writer.writeLengthPrefixed(value)
                entries[key] = StoredValue(bytes: value,
                                           version: StateVersion(height: height, transactionIndex: writers[key] ?? 0))
            } else {
                writer.write(UInt8(0))
                entries[key] = nil
            }
        }
        digest = Hash256.sha256(writer.bytes)
    }
}

/// Notes the version of every key a simulation read from the committed state, first read only.
package final class ReadRecorder {
    package private(set) var reads: [StateKey: StateVersion?] = [:]

    package init() {}

    package func note(_ key: StateKey, version: StateVersion?) {
        if reads[key] == nil { reads[key] = .some(version) }
    }
}

/// A transaction's view of the state: reads see its own writes first; writes stay pending until
/// the transaction succeeds, so a refused call leaves nothing behind. With a recorder, every read
/// that reaches the committed state is noted with its version (an endorser's simulation).
package struct StateView {
    private let base: WorldState
    private let blockWrites: [StateKey: [UInt8]?]
    private let recorder: ReadRecorder?
    /// The writes of this transaction so far (nil deletes).
    package private(set) var writes: [StateKey: [UInt8]?] = [:]

    package init(base: WorldState, blockWrites: [StateKey: [UInt8]?], recorder: ReadRecorder? = nil) {
        self.base = base
        self.blockWrites = blockWrites
        self.recorder = recorder
    }

    public func value(for key: StateKey) -> [UInt8]? {
        if let pending = writes[key] { return pending }
        if let earlier = blockWrites[key] { return earlier }
        if let recorder { recorder.note(key, version: base.version(of: key)) }
        return base.value(for: key)
    }

    public func contains(_ key: StateKey) -> Bool { value(for: key) != nil }

    public mutating func set(_ key: StateKey, _ value: [UInt8]) { writes[key] = .some(value) }

    public mutating func remove(_ key: StateKey) { writes[key] = .some(nil) }

    /// Reads a stored record, nil when absent. A record that does not decode means the state is
    /// corrupt, which deterministic contracts never produce: that is a trap, not a refusal.
    public func record<Value: CanonicalCodable>(_ key: StateKey, as _: Value.Type = Value.self) -> Value? {
        guard let bytes = value(for: key) else { return nil }
        do {
            return try Value(canonicalBytes: bytes)
        } catch {
            fatalError("world state holds an undecodable \(Value.self) under \(key.bytes): \(error)")
        }
    }

    public mutating func setRecord(_ key: StateKey, _ value: some CanonicalCodable) {
        set(key, value.canonicalBytes)
    }

    public func uint64(_ key: StateKey) -> UInt64? { record(key, as: UInt64.self) }

    public mutating func setUInt64(_ key: StateKey, _ value: UInt64) { setRecord(key, value) }
}

extension UInt64: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(self) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        self = try reader.readUInt64("uint64")
    }
}
