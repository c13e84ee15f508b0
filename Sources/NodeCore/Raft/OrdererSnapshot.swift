import LedgerCore
import LedgerPrimitives

/// The chain position an orderer stands at after applying every Raft entry through `raftIndex`.
///
/// This is the data of the orderer's Raft snapshots. `header` is the header of the block formed
/// from the last entry at or below `raftIndex` that formed a block (normal entries form blocks;
/// no-ops and undecodable payloads do not), or the genesis header when none did; `height` and
/// `headHash` are that header's height and hash. The block formed from the first entry after
/// `raftIndex` depends only on these (height + 1, parent hash, the later of the batch's and the
/// parent's time), so an orderer that installs the snapshot forms exactly the blocks of one that
/// applied every entry.
struct OrdererSnapshot: Sendable, Hashable, CanonicalCodable {
    /// The Raft index the position holds at: the snapshot's last included index.
    public var raftIndex: UInt64
    /// The height of the chain head at `raftIndex`.
    public var height: UInt64
    /// The hash of the chain head at `raftIndex`.
    public var headHash: Hash256
    /// The header of the chain head at `raftIndex`.
    public var header: BlockHeader

    /// Creates the position of `header` (hashing to `headHash`) at `raftIndex`.
    public init(raftIndex: UInt64, header: BlockHeader, headHash: Hash256) {
        self.raftIndex = raftIndex
        height = header.height
        self.headHash = headHash
        self.header = header
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(raftIndex)
        writer.write(height)
        writer.write(headHash)
        writer.write(header)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        raftIndex = try reader.readUInt64("ordererSnapshot.raftIndex")
        height = try reader.readUInt64("ordererSnapshot.height")
        headHash = try reader.readHash("ordererSnapshot.headHash")
        header = try reader.read()
        guard height == header.height, headHash == header.hash else {
            throw .invalidValue(field: "ordererSnapshot.header", reason: "does not match the snapshot's height and hash")
        }
    }
}
