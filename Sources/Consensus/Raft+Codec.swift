public import LedgerPrimitives

// Canonical encodings of Raft's durable and wire values: the Raft log on disk and the frames
// between orderers. Every value has exactly one encoding; malformed bytes throw `CodecError`.

extension Raft.NodeID: CanonicalCodable {
    /// Writes the raw number as a big-endian UInt64.
    public func encode(to writer: inout CanonicalWriter) { writer.write(rawValue) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        self.init(try reader.readUInt64("raft.nodeID"))
    }
}

extension Raft.Entry: CanonicalCodable {
    /// The largest application payload accepted in one entry, in bytes.
    public static let maximumPayloadBytes = CanonicalReader.maximumBytesLength

    /// Writes term, index, then a kind tag: 0 normal (with a length-prefixed payload), 1 no-op.
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(term)
        writer.write(index)
        switch kind {
        case .normal(let payload):
            writer.write(UInt8(0))
            writer.writeLengthPrefixed(payload)
        case .noop:
            writer.write(UInt8(1))
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let term = try reader.readUInt64("raft.entry.term")
        let index = try reader.readUInt64("raft.entry.index")
        let kind: Kind
        switch try reader.readUInt8("raft.entry.kind") {
        case 0: kind = .normal(payload: try reader.readLengthPrefixed("raft.entry.payload", limit: Self.maximumPayloadBytes))
        case 1: kind = .noop
        case let tag: throw .unknownTag(field: "raft.entry.kind", tag: tag)
        }
        self.init(term: term, index: index, kind: kind)
    }
}

extension Raft.HardState: CanonicalCodable {
    /// Writes term, the vote (flag byte and id, the id 0 when there is no vote), commit index.
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(term)
        writer.writeOptional(votedFor?.rawValue)
        writer.write(commitIndex)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let term = try reader.readUInt64("raft.hardState.term")
        let votedFor = try reader.readOptionalUInt64("raft.hardState.votedFor").map { Raft.NodeID($0) }
        let commitIndex = try reader.readUInt64("raft.hardState.commitIndex")
        self.init(term: term, votedFor: votedFor, commitIndex: commitIndex)
    }
}

extension Raft.SnapshotMetadata: CanonicalCodable {
    /// Writes the last included index, then its term.
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(lastIncludedIndex)
        writer.write(lastIncludedTerm)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let index = try reader.readUInt64("raft.snapshot.lastIncludedIndex")
        let term = try reader.readUInt64("raft.snapshot.lastIncludedTerm")
        self.init(lastIncludedIndex: index, lastIncludedTerm: term)
    }
}

extension Raft.Snapshot: CanonicalCodable {
    /// The largest application state accepted in one snapshot, in bytes.
    public static let maximumDataBytes = 64 * 1024 * 1024

    /// Writes the metadata, then the length-prefixed application state.
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(metadata)
        writer.writeLengthPrefixed(data)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let metadata = try reader.read(Raft.SnapshotMetadata.self)
        let data = try reader.readLengthPrefixed("raft.snapshot.data", limit: Self.maximumDataBytes)
        self.init(metadata: metadata, data: data)
    }
}

extension Raft.Message: CanonicalCodable {
    /// Writes a tag byte (0 requestVote ... 6 timeoutNow), then the case's fields in declaration order.
    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .requestVote(let term, let lastLogIndex, let lastLogTerm, let preVote, let leadershipTransfer):
            writer.write(UInt8(0))
            writer.write(term)
            writer.write(lastLogIndex)
            writer.write(lastLogTerm)
            writer.write(preVote)
            writer.write(leadershipTransfer)
        case .requestVoteResponse(let term, let granted, let preVote):
            writer.write(UInt8(1))
            writer.write(term)
            writer.write(granted)
            writer.write(preVote)
        case .appendEntries(let term, let prevLogIndex, let prevLogTerm, let entries, let leaderCommit):
            writer.write(UInt8(2))
            writer.write(term)
            writer.write(prevLogIndex)
            writer.write(prevLogTerm)
            writer.write(entries)
            writer.write(leaderCommit)
        case .appendEntriesResponse(let term, let success, let matchIndex, let rejectedIndex, let conflictTerm,
                                    let conflictIndex):
            writer.write(UInt8(3))
            writer.write(term)
            writer.write(success)
            writer.write(matchIndex)
            writer.write(rejectedIndex)
            writer.writeOptional(conflictTerm)
            writer.write(conflictIndex)
        case .installSnapshot(let term, let snapshot):
            writer.write(UInt8(4))
            writer.write(term)
            writer.write(snapshot)
        case .installSnapshotResponse(let term, let matchIndex):
            writer.write(UInt8(5))
            writer.write(term)
            writer.write(matchIndex)
        case .timeoutNow(let term):
            writer.write(UInt8(6))
            writer.write(term)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("raft.message") {
        case 0:
            self = .requestVote(
                term: try reader.readUInt64("raft.requestVote.term"),
                lastLogIndex: try reader.readUInt64("raft.requestVote.lastLogIndex"),
                lastLogTerm: try reader.readUInt64("raft.requestVote.lastLogTerm"),
                preVote: try reader.readBool("raft.requestVote.preVote"),
                leadershipTransfer: try reader.readBool("raft.requestVote.leadershipTransfer"))
        case 1:
            self = .requestVoteResponse(
                term: try reader.readUInt64("raft.requestVoteResponse.term"),
                granted: try reader.readBool("raft.requestVoteResponse.granted"),
                preVote: try reader.readBool("raft.requestVoteResponse.preVote"))
        case 2:
            self = .appendEntries(
                term: try reader.readUInt64("raft.appendEntries.term"),
                prevLogIndex: try reader.readUInt64("raft.appendEntries.prevLogIndex"),
                prevLogTerm: try reader.readUInt64("raft.appendEntries.prevLogTerm"),
                entries: try reader.readArray("raft.appendEntries.entries"),
                leaderCommit: try reader.readUInt64("raft.appendEntries.leaderCommit"))
        case 3:
            self = .appendEntriesResponse(
                term: try reader.readUInt64("raft.appendEntriesResponse.term"),
                success: try reader.readBool("raft.appendEntriesResponse.success"),
                matchIndex: try reader.readUInt64("raft.appendEntriesResponse.matchIndex"),
                rejectedIndex: try reader.readUInt64("raft.appendEntriesResponse.rejectedIndex"),
                conflictTerm: try reader.readOptionalUInt64("raft.appendEntriesResponse.conflictTerm"),
                conflictIndex: try reader.readUInt64("raft.appendEntriesResponse.conflictIndex"))
        case 4:
            self = .installSnapshot(term: try reader.readUInt64("raft.installSnapshot.term"),
                                    snapshot: try reader.read(Raft.Snapshot.self))
        case 5:
            self = .installSnapshotResponse(term: try reader.readUInt64("raft.installSnapshotResponse.term"),
                                            matchIndex: try reader.readUInt64("raft.installSnapshotResponse.matchIndex"))
        case 6:
            self = .timeoutNow(term: try reader.readUInt64("raft.timeoutNow.term"))
        case let tag:
            throw .unknownTag(field: "raft.message", tag: tag)
        }
    }
}

extension Raft.Envelope: CanonicalCodable {
    /// Writes sender, addressee, then the message.
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(from)
        writer.write(to)
        writer.write(message)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let from = try reader.read(Raft.NodeID.self)
        let to = try reader.read(Raft.NodeID.self)
        let message = try reader.read(Raft.Message.self)
        self.init(from: from, to: to, message: message)
    }
}

extension CanonicalWriter {
    /// Writes an optional UInt64 as a presence byte and the value, which is 0 when absent.
    mutating func writeOptional(_ value: UInt64?) {
        write(value != nil)
        write(value ?? 0)
    }
}

extension CanonicalReader {
    /// Reads what `writeOptional(_:)` wrote; an absent value must be written as 0.
    mutating func readOptionalUInt64(_ field: String) throws(CodecError) -> UInt64? {
        let present = try readBool(field + ".present")
        let value = try readUInt64(field)
        if present { return value }
        guard value == 0 else { throw .invalidValue(field: field, reason: "absent value written as \(value), not 0") }
        return nil
    }
}
