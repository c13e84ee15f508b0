import Synchronization

/// Why a frame was dropped instead of delivered.
public enum DropReason: String, CaseIterable, Hashable, Sendable {
    /// The link lost the frame at random (its loss probability).
    case loss
    /// The sender and the destination are on different sides of a partition, or one is isolated.
    case partition
    /// The sender or the destination was disconnected (a crashed node) when the frame was sent or due.
    case disconnected
    /// No endpoint was registered at the destination address.
    case unknownDestination
    /// The destination's inbox was full when the frame arrived.
    case inboxFull
    /// Too many frames were already in flight on delayed links.
    case inFlightLimit
    /// The network was shut down, or the destination's inbox was already finished.
    case closed
    /// The queue of frames waiting for a connection to the destination was full (TCP transport).
    case queueFull
    /// The destination is a member without a listen address (a client) and had no open connection to
    /// this endpoint (TCP transport).
    case unreachable
    /// The frame is larger than the transport's frame size limit (TCP transport).
    case frameTooLarge
}

/// How many frames were dropped, by reason.
public struct DroppedFrameCounts: Hashable, Sendable {
    /// Frames lost at random by their link.
    public var loss = 0
    /// Frames blocked by a partition or an isolated node.
    public var partition = 0
    /// Frames from or to a disconnected node.
    public var disconnected = 0
    /// Frames sent to an address without an endpoint.
    public var unknownDestination = 0
    /// Frames that found the destination's inbox full.
    public var inboxFull = 0
    /// Frames refused because the delayed-delivery queue was full.
    public var inFlightLimit = 0
    /// Frames sent after shutdown or to a finished inbox.
    public var closed = 0
    /// Frames refused because the destination's outbound queue was full.
    public var queueFull = 0
    /// Frames for a destination that could not be reached.
    public var unreachable = 0
    /// Frames over the frame size limit.
    public var frameTooLarge = 0

    /// Creates counts, all zero.
    public init() {}

    /// Every dropped frame, whatever its reason.
    public var total: Int {
        DropReason.allCases.reduce(0) { $0 + self[$1] }
    }

    /// The number of frames dropped for `reason`.
    public subscript(reason: DropReason) -> Int {
        get {
            switch reason {
            case .loss: loss
            case .partition: partition
            case .disconnected: disconnected
            case .unknownDestination: unknownDestination
            case .inboxFull: inboxFull
            case .inFlightLimit: inFlightLimit
            case .closed: closed
            case .queueFull: queueFull
            case .unreachable: unreachable
            case .frameTooLarge: frameTooLarge
            }
        }
        set {
            switch reason {
            case .loss: loss = newValue
            case .partition: partition = newValue
            case .disconnected: disconnected = newValue
            case .unknownDestination: unknownDestination = newValue
            case .inboxFull: inboxFull = newValue
            case .inFlightLimit: inFlightLimit = newValue
            case .closed: closed = newValue
            case .queueFull: queueFull = newValue
            case .unreachable: unreachable = newValue
            case .frameTooLarge: frameTooLarge = newValue
            }
        }
    }
}

/// A snapshot of one endpoint's traffic: what it sent, what it received, and what was dropped.
///
/// A frame counts as sent when ``TransportEndpoint/send(_:to:)`` is called, and as received when it
/// is put into the destination's inbox. A dropped frame is counted on its sender, so over a whole
/// network `framesSent == framesReceived + framesDropped.total + frames still in flight`.
///
/// The TCP transport counts bytes as they are on the wire (payload plus framing), counts a frame that
/// finds a full inbox on the receiver, and may lose a frame uncounted when a connection breaks under it.
public struct TrafficCounters: Hashable, Sendable {
    /// Bytes of every frame this endpoint sent, delivered or not.
    public var bytesSent = 0
    /// Bytes of every frame delivered into this endpoint's inbox.
    public var bytesReceived = 0
    /// Frames this endpoint sent, delivered or not.
    public var framesSent = 0
    /// Frames delivered into this endpoint's inbox.
    public var framesReceived = 0
    /// Frames this endpoint sent that were dropped, by reason.
    public var framesDropped = DroppedFrameCounts()

    /// Creates counters, all zero.
    public init() {}
}

/// The live counters of one endpoint, updated from any thread.
///
/// Visible to the package so that other transports (TCP) count the same way.
package final class TrafficCounterCell: Sendable {
    private let counters = Mutex(TrafficCounters())

    /// Creates counters, all zero.
    package init() {}

    /// A copy of the counters as they are now.
    package var snapshot: TrafficCounters {
        counters.withLock { $0 }
    }

    /// Counts a frame of `byteCount` bytes handed to the network.
    package func recordSent(byteCount: Int) {
        counters.withLock {
            $0.framesSent += 1
            $0.bytesSent += byteCount
        }
    }

    /// Counts a frame of `byteCount` bytes put into this endpoint's inbox.
    package func recordReceived(byteCount: Int) {
        counters.withLock {
            $0.framesReceived += 1
            $0.bytesReceived += byteCount
        }
    }

    /// Counts a frame this endpoint sent that was dropped for `reason`.
    package func recordDropped(_ reason: DropReason) {
        counters.withLock { $0.framesDropped[reason] += 1 }
    }

    /// Takes back a frame of `byteCount` bytes counted as received that the inbox then refused, and
    /// counts it as dropped for `reason` instead, in one step.
    package func recordUndelivered(byteCount: Int, reason: DropReason) {
        counters.withLock {
            $0.framesReceived -= 1
            $0.bytesReceived -= byteCount
            $0.framesDropped[reason] += 1
        }
    }

    /// Counts `count` frames this endpoint sent that were dropped for `reason`.
    package func recordDropped(_ reason: DropReason, count: Int) {
        guard count > 0 else { return }
        counters.withLock { $0.framesDropped[reason] += count }
    }
}
