public import Consensus
public import LedgerCore
public import LedgerPrimitives
public import Monitor
public import Transport

/// What a running node reports about itself when its driver asks: chain position, role, counters.
///
/// A driver that runs nodes as separate processes cannot read their actors, so it asks with
/// `NodeMessage.statusRequest` and gets this back; the same figures an in-process run reads directly.
/// A node process also reports its own CPU time, memory and disk bytes (``resources``), read when
/// it answers, so that the driver needs no access to the node's `/proc`.
///
/// Encoding: the fields in order, each optional one behind a presence byte.
public struct NodeStatus: Sendable, Hashable, CanonicalCodable {
    /// How a node process began: which run of the process it is, and whether its data directory
    /// was empty then. A driver of nodes it did not start needs both to know a chain is fresh:
    /// a proof-of-work chain grows without load, so its height cannot say so.
    public struct ProcessStart: Sendable, Hashable {
        /// Drawn at random when the process starts: a restarted node reports another.
        public var instance: UInt64
        /// The node's data directory was empty or absent when it started (`--reset` removes it).
        public var startedEmpty: Bool

        public init(instance: UInt64, startedEmpty: Bool) {
            self.instance = instance
            self.startedEmpty = startedEmpty
        }
    }

    /// A node process's own resources when it answered, or why it could not read them.
    ///
    /// Encoded as a layout byte, then its fields: 1 is ``reading(_:)`` as it is now; a new layout
    /// takes a new byte, so a reader that does not know it says so rather than misreading it.
    public enum ResourceReport: Sendable, Hashable, CanonicalCodable {
        /// The node's CPU time, resident memory and disk bytes from its `/proc/self`, with the
        /// time of the reading on its own monotonic clock.
        case reading(ProcessResourceReading)
        /// The node could not read its own counters: which file, and what went wrong.
        case unreadable(reason: String)

        public func encode(to writer: inout CanonicalWriter) {
            switch self {
            case .reading(let reading):
                writer.write(UInt8(1))
                writer.write(reading.monotonicNanoseconds)
                writer.write(reading.cpuNanoseconds)
                writer.write(reading.residentBytes)
                writer.write(reading.diskReadBytes)
                writer.write(reading.diskWrittenBytes)
            case .unreadable(let reason):
                writer.write(UInt8(2))
                writer.write(reason)
            }
        }

        public init(from reader: inout CanonicalReader) throws(CodecError) {
            switch try reader.readUInt8("status.resources") {
            case 1:
                self = .reading(ProcessResourceReading(
                    monotonicNanoseconds: try reader.readUInt64("status.resources.monotonicNanoseconds"),
                    cpuNanoseconds: try reader.readUInt64("status.resources.cpuNanoseconds"),
                    residentBytes: try reader.readUInt64("status.resources.residentBytes"),
                    diskReadBytes: try reader.readUInt64("status.resources.diskReadBytes"),
                    diskWrittenBytes: try reader.readUInt64("status.resources.diskWrittenBytes")))
            case 2:
                self = .unreadable(reason: try reader.readString("status.resources.reason"))
            case let tag:
                throw .unknownTag(field: "status.resources", tag: tag)
            }
        }
    }

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
    /// The node process's own resources when it answered; nil from a node that does not measure
    /// its process (an in-process node, which shares the driver's).
    public var resources: ResourceReport?
    /// How the node's process began; nil for a node that is not a process of its own (in process).
    public var processStart: ProcessStart?

    public init(height: UInt64, headHash: Hash256, stateDigest: Hash256?, raftRole: RaftRole = .none, term: UInt64 = 0,
                nextNonce: UInt64? = nil, traffic: TrafficCounters = TrafficCounters(), diskReadBytes: UInt64 = 0,
                diskWrittenBytes: UInt64 = 0, stopReason: String? = nil, resources: ResourceReport? = nil) {
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
        self.resources = resources.map { report in
            if case .unreadable(let reason) = report { return .unreadable(reason: String(reason.prefix(1_000))) }
            return report
        }
    }

    /// Reads the status of `node` as it is now, with the next nonce of `account` if one is named,
    /// and this process's own resources from `ownResources` (given only where the node is its
    /// process's one node), read just before its transport counters.
    public static func of(_ node: any LedgerNode, account: Address?, ownResources: OwnProcessResources? = nil) async -> NodeStatus {
        var role = RaftRole.none
        var term: UInt64 = 0
        if let orderer = node as? OrdererNode {
            role = RaftRole(await orderer.role)
            term = await orderer.term
        }
        var nextNonce: UInt64?
        if let account { nextNonce = await node.nextNonce(of: account) }
        let storage = node.storageCounters
        let resources: ResourceReport? = ownResources.map { ownResources in
            do {
                return .reading(try ownResources.read())
            } catch {
                return .unreadable(reason: "\(error)")
            }
        }
        return NodeStatus(height: await node.height, headHash: await node.headHash, stateDigest: await node.stateDigest,
                          raftRole: role, term: term, nextNonce: nextNonce, traffic: node.traffic,
                          diskReadBytes: storage.bytesRead, diskWrittenBytes: storage.bytesWritten,
                          stopReason: await node.stopReason, resources: resources)
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
        writer.write(resources != nil)
        if let resources { writer.write(resources) }
        writer.write(processStart != nil)
        if let processStart {
            writer.write(processStart.instance)
            writer.write(processStart.startedEmpty)
        }
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
        resources = try reader.readBool("status.hasResources") ? try reader.read() : nil
        processStart = try reader.readBool("status.hasProcessStart")
            ? ProcessStart(instance: try reader.readUInt64("status.processStart.instance"),
                           startedEmpty: try reader.readBool("status.processStart.startedEmpty"))
            : nil
    }
}
