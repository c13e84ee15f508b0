public import Consensus
public import LedgerCore
public import LedgerPrimitives
public import Transport

/// What a running node reports about itself when its driver asks: chain position, role, counters.
///
/// A driver that runs nodes as separate processes cannot read their actors, so it asks with
/// `NodeMessage.statusRequest` and gets this back; the same figures an in-process run reads directly.
public struct NodeStatus: Sendable, Hashable, CanonicalCodable {
    /// The node's Raft role, for orderers; other nodes report `none`.
    public enum RaftRole: UInt8, Sendable, Hashable, CanonicalByteEnum {
        case none = 0
        case follower = 1
        case preCandidate = 2
        case candidate = 3
        case leader = 4

        public static let fieldName = "status.raftRole"

        public init(_ role: Raft.Role) {
            switch role {
            case .follower: self = .follower
            case .preCandidate: self = .preCandidate
            case .candidate: self = .candidate
            case .leader: self = .leader
            }
        }
    }

    public var height: UInt64
    public var headHash: Hash256
    /// The world state's digest, for nodes that keep the state.
    public var stateDigest: Hash256?
    public var raftRole: RaftRole
    /// The Raft term, for orderers (else 0).
    public var term: UInt64
    /// The next nonce of the account the request named, when the node keeps the state.
    public var nextNonce: UInt64?
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    public var framesSent: UInt64
    public var framesReceived: UInt64
    public var diskReadBytes: UInt64
    public var diskWrittenBytes: UInt64
    /// Why the node stopped, if it did (a storage failure, say); nil while it runs.
    public var stopReason: String?
    /// SHA-256 of the configuration file the node process was started from; nil for a node that
    /// has none (in process). A driver of nodes it did not start refuses a node whose digest differs.
    public var configurationDigest: Hash256?

    public init(height: UInt64, headHash: Hash256, stateDigest: Hash256?, raftRole: RaftRole = .none, term: UInt64 = 0,
                nextNonce: UInt64? = nil, traffic: TrafficCounters = TrafficCounters(), diskReadBytes: UInt64 = 0,
                diskWrittenBytes: UInt64 = 0, stopReason: String? = nil) {
        self.height = height
        self.headHash = headHash
        self.stateDigest = stateDigest
        self.raftRole = raftRole
        self.term = term
        self.nextNonce = nextNonce
        bytesSent = UInt64(max(0, traffic.bytesSent))
        bytesReceived = UInt64(max(0, traffic.bytesReceived))
        framesSent = UInt64(max(0, traffic.framesSent))
        framesReceived = UInt64(max(0, traffic.framesReceived))
        self.diskReadBytes = diskReadBytes
        self.diskWrittenBytes = diskWrittenBytes
        // Bounded so that the status always decodes (strings are at most 4,096 bytes).
        self.stopReason = stopReason.map { String($0.prefix(1_000)) }
    }

    /// Reads the status of `node` as it is now, with the next nonce of `account` if one is named.
    public static func of(_ node: any LedgerNode, account: Address?) async -> NodeStatus {
        var role = RaftRole.none
        var term: UInt64 = 0
        if let orderer = node as? OrdererNode {
            role = RaftRole(await orderer.role)
            term = await orderer.term
        }
        var nextNonce: UInt64?
        if let account { nextNonce = await node.nextNonce(of: account) }
        let storage = node.storageCounters
        return NodeStatus(height: await node.height, headHash: await node.headHash, stateDigest: await node.stateDigest,
                          raftRole: role, term: term, nextNonce: nextNonce, traffic: node.traffic,
                          diskReadBytes: storage.bytesRead, diskWrittenBytes: storage.bytesWritten,
                          stopReason: await node.stopReason)
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(height)
        writer.write(headHash)
        writer.write(stateDigest != nil)
        if let stateDigest { writer.write(stateDigest) }
        writer.write(raftRole)
        writer.write(term)
        writer.write(nextNonce != nil)
        if let nextNonce { writer.write(nextNonce) }
        writer.write(bytesSent)
        writer.write(bytesReceived)
        writer.write(framesSent)
        writer.write(framesReceived)
        writer.write(diskReadBytes)
        writer.write(diskWrittenBytes)
        writer.write(stopReason != nil)
        if let stopReason { writer.write(stopReason) }
        writer.write(configurationDigest != nil)
        if let configurationDigest { writer.write(configurationDigest) }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        height = try reader.readUInt64("status.height")
        headHash = try reader.readHash("status.headHash")
        stateDigest = try reader.readBool("status.hasStateDigest") ? try reader.readHash("status.stateDigest") : nil
        raftRole = try reader.read()
        term = try reader.readUInt64("status.term")
        nextNonce = try reader.readBool("status.hasNextNonce") ? try reader.readUInt64("status.nextNonce") : nil
        bytesSent = try reader.readUInt64("status.bytesSent")
        bytesReceived = try reader.readUInt64("status.bytesReceived")
        framesSent = try reader.readUInt64("status.framesSent")
        framesReceived = try reader.readUInt64("status.framesReceived")
        diskReadBytes = try reader.readUInt64("status.diskReadBytes")
        diskWrittenBytes = try reader.readUInt64("status.diskWrittenBytes")
        stopReason = try reader.readBool("status.hasStopReason") ? try reader.readString("status.stopReason") : nil
        configurationDigest = try reader.readBool("status.hasConfigurationDigest")
            ? try reader.readHash("status.configurationDigest") : nil
    }
}
