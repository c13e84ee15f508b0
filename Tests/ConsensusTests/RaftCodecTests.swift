@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Consensus

@Suite("Raft codec")
struct RaftCodecTests {
    static let snapshot = Raft.Snapshot(metadata: Raft.SnapshotMetadata(lastIncludedIndex: 40, lastIncludedTerm: 3),
                                        data: Array("application state".utf8))
    static let entries = [
        Raft.Entry(term: 3, index: 41, kind: .noop),
        Raft.Entry(term: 3, index: 42, kind: .normal(payload: [1, 2, 3])),
        Raft.Entry(term: 4, index: 43, kind: .normal(payload: [])),
    ]

    /// One value of every message case, with both values of every flag somewhere.
    static let messages: [Raft.Message] = [
        .requestVote(term: 5, lastLogIndex: 43, lastLogTerm: 4, preVote: false, leadershipTransfer: false),
        .requestVote(term: 6, lastLogIndex: 0, lastLogTerm: 0, preVote: true, leadershipTransfer: true),
        .requestVoteResponse(term: 5, granted: true, preVote: false),
        .requestVoteResponse(term: 5, granted: false, preVote: true),
        .appendEntries(term: 4, prevLogIndex: 40, prevLogTerm: 3, entries: entries, leaderCommit: 41),
        .appendEntries(term: 4, prevLogIndex: 43, prevLogTerm: 4, entries: [], leaderCommit: 43),
        .appendEntriesResponse(term: 4, success: true, matchIndex: 43, rejectedIndex: 0, conflictTerm: nil,
                               conflictIndex: 0),
        .appendEntriesResponse(term: 4, success: false, matchIndex: 0, rejectedIndex: 42, conflictTerm: 2,
                               conflictIndex: 17),
        .appendEntriesResponse(term: 4, success: false, matchIndex: 0, rejectedIndex: 42, conflictTerm: 0,
                               conflictIndex: 9),
        .installSnapshot(term: 7, snapshot: snapshot),
        .installSnapshotResponse(term: 7, matchIndex: 40),
        .timeoutNow(term: 8),
    ]

    static let envelopes = messages.enumerated().map { offset, message in
        Raft.Envelope(from: Raft.NodeID(UInt64(offset)), to: Raft.NodeID(UInt64.max - UInt64(offset)), message: message)
    }

    @Test("every message case round-trips in an envelope", arguments: envelopes)
    func envelopeRoundTrip(envelope: Raft.Envelope) throws {
        let bytes = envelope.canonicalBytes
        let decoded = try Raft.Envelope(canonicalBytes: bytes)
        #expect(decoded == envelope)
        #expect(decoded.canonicalBytes == bytes)
    }

    @Test func durableValuesRoundTrip() throws {
        for hardState in [Raft.HardState(), Raft.HardState(term: 9, votedFor: 0, commitIndex: 4),
                          Raft.HardState(term: 9, votedFor: 3, commitIndex: 4)] {
            #expect(try Raft.HardState(canonicalBytes: hardState.canonicalBytes) == hardState)
        }
        for entry in Self.entries { #expect(try Raft.Entry(canonicalBytes: entry.canonicalBytes) == entry) }
        #expect(try Raft.Snapshot(canonicalBytes: Self.snapshot.canonicalBytes) == Self.snapshot)
        #expect(try Raft.NodeID(canonicalBytes: Raft.NodeID(7).canonicalBytes) == 7)
    }

    @Test func truncationAtEveryOffsetThrows() {
        for envelope in Self.envelopes {
            let bytes = envelope.canonicalBytes
            for length in 0..<bytes.count {
                #expect(throws: CodecError.self) { try Raft.Envelope(canonicalBytes: Array(bytes[0..<length])) }
            }
            #expect(throws: CodecError.trailingBytes(count: 1)) { try Raft.Envelope(canonicalBytes: bytes + [0]) }
        }
    }

    @Test func nonCanonicalAbsenceAndUnknownTagsAreRejected() {
        var vote = Raft.HardState(term: 1, votedFor: nil, commitIndex: 0).canonicalBytes
        vote[16] = 1  // the last byte of the absent vote's id
        #expect(throws: CodecError.invalidValue(field: "raft.hardState.votedFor", reason: "absent value written as 1, not 0")) {
            try Raft.HardState(canonicalBytes: vote)
        }
        var flag = Raft.HardState(term: 1, votedFor: 2, commitIndex: 0).canonicalBytes
        flag[8] = 2
        #expect(throws: CodecError.self) { try Raft.HardState(canonicalBytes: flag) }

        #expect(throws: CodecError.unknownTag(field: "raft.message", tag: 7)) { try Raft.Message(canonicalBytes: [7]) }
        var entry = Self.entries[0].canonicalBytes
        entry[16] = 2
        #expect(throws: CodecError.unknownTag(field: "raft.entry.kind", tag: 2)) { try Raft.Entry(canonicalBytes: entry) }
    }

    /// Random and mutated inputs never trap, and whatever decodes re-encodes to the same bytes.
    @Test func fuzzedInputsDecodeCanonicallyOrThrow() {
        var generator = SeededGenerator(seed: 0x5AF7)
        let seeds = Self.envelopes.map(\.canonicalBytes)
        var decodedCount = 0
        for round in 0..<4_000 {
            let bytes: [UInt8]
            if round % 4 == 0 {
                let length = Int.random(in: 0..<64, using: &generator)
                bytes = (0..<length).map { _ in UInt8.random(in: 0...UInt8.max, using: &generator) }
            } else {
                bytes = Self.mutate(seeds.randomElement(using: &generator)!, using: &generator)
            }
            guard let envelope = try? Raft.Envelope(canonicalBytes: bytes) else { continue }
            decodedCount += 1
            #expect(envelope.canonicalBytes == bytes, "round \(round)")
        }
        // The mutations are small enough that some inputs must still decode.
        #expect(decodedCount > 100)
    }

    /// Flips, overwrites, inserts or deletes a few bytes, or cuts the tail.
    static func mutate(_ original: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = original
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            case 1: bytes[position] = [0, 1, 2, 0xFF].randomElement(using: &generator)!
            case 2: bytes.insert(UInt8.random(in: 0...UInt8.max, using: &generator), at: position)
            case 3: bytes.remove(at: position)
            default: bytes.removeLast(Int.random(in: 0...min(4, bytes.count), using: &generator))
            }
        }
        return bytes
    }
}
