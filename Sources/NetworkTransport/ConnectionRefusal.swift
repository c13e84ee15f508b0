public import struct Foundation.Date
public import Transport

/// A connection the endpoint closed because the peer broke the protocol or could not prove it is a
/// member: an outsider, a bad signature, a malformed, oversized or unknown frame, a timeout.
public struct ConnectionRefusal: Hashable, Sendable, CustomStringConvertible {
    /// The peer's IP address and port, as the socket reports it.
    public var remoteAddress: String
    /// The name the peer claimed in its hello, if it got that far.
    public var claimedName: NodeAddress?
    /// Why the connection was closed, for a person to read.
    public var reason: String
    /// When the connection was closed (wall clock).
    public var time: Date

    /// Creates a refusal record.
    public init(remoteAddress: String, claimedName: NodeAddress?, reason: String, time: Date) {
        self.remoteAddress = remoteAddress
        self.claimedName = claimedName
        self.reason = reason
        self.time = time
    }

    public var description: String {
        "refused \(remoteAddress)" + (claimedName.map { " claiming \($0)" } ?? "") + ": \(reason)"
    }
}

/// The most recent refusals, oldest first, at most `capacity` of them.
struct RefusalLog: Sendable {
    let capacity: Int
    private var ring: [ConnectionRefusal] = []
    private var nextSlot = 0
    /// Every refusal ever recorded, including those no longer kept.
    private(set) var totalCount = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds `refusal`, forgetting the oldest when full.
    mutating func record(_ refusal: ConnectionRefusal) {
        totalCount += 1
        if ring.count < capacity {
            ring.append(refusal)
        } else {
            ring[nextSlot] = refusal
            nextSlot = (nextSlot + 1) % capacity
        }
    }

    /// The kept refusals, oldest first.
    var recent: [ConnectionRefusal] {
        Array(ring[nextSlot...] + ring[..<nextSlot])
    }
}
