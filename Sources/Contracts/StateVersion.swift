public import LedgerPrimitives

/// Which transaction last wrote a key: Fabric's version, the block height and the position in it.
public struct StateVersion: Sendable, Hashable, Comparable, CanonicalCodable, CustomStringConvertible {
    public var height: UInt64
    public var transactionIndex: UInt32

    public init(height: UInt64, transactionIndex: UInt32) {
        self.height = height
        self.transactionIndex = transactionIndex
    }

    public static func < (lhs: StateVersion, rhs: StateVersion) -> Bool {
        (lhs.height, lhs.transactionIndex) < (rhs.height, rhs.transactionIndex)
    }

    public var description: String { "\(height):\(transactionIndex)" }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(height)
        writer.write(transactionIndex)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        height = try reader.readUInt64("version.height")
        transactionIndex = try reader.readUInt32("version.transactionIndex")
    }
}
