import Logging
import Transport

/// The scaffolding every node actor shares: one inbox loop that decodes each frame into a
/// `NodeMessage` (a malformed frame is logged and dropped, never fatal), and a stop that ends the
/// node's loops together.
protocol FrameReceivingNode: Actor {
    var endpoint: any TransportEndpoint { get }
    var logger: Logger { get }
    var tasks: NodeTasks { get set }
    var stopReason: String? { get set }
    /// Acts on one decoded message; `frame` says who sent it and how large it was.
    func handle(_ message: NodeMessage, from frame: InboundFrame)
}

extension FrameReceivingNode {
    /// Takes frames from the inbox until the node stops.
    func receiveFrames() async {
        for await frame in endpoint.inbox {
            if Task.isCancelled || stopReason != nil { break }
            let message: NodeMessage
            do {
                message = try NodeMessage(frame: frame.bytes)
            } catch {
                logger.warning("dropped a malformed frame from \(frame.from): \(error)")
                continue
            }
            handle(message, from: frame)
        }
    }

    /// Stops the loops; a stopped node neither sends nor receives (a crash, or the end of a run).
    func stopLoops(reason: String) async {
        if stopReason == nil { stopReason = reason }
        for task in tasks.cancelAll() { await task.value }
    }
}
