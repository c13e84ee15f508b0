public import Transport
#if canImport(Glibc)
import Glibc
#endif

/// Why a fault could not be injected into a running federation.
public struct FaultInjectionError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// The faults a round injects, as each deployment carries them out. Where a deployment cannot
/// inject a fault it throws; reading the benchmark file refuses those combinations first.
public protocol FaultInjecting {
    /// Kills `node` at once: SIGKILL for a process; in process it stops and leaves the network.
    func crashNode(_ node: NodeAddress) async throws
    /// Starts `node` again from its data directory.
    func restartNode(_ node: NodeAddress) async throws
    /// Stops `node` taking any work (SIGSTOP), or lets it go on (SIGCONT).
    func pauseNode(_ node: NodeAddress, paused: Bool) async throws
    /// Cuts the network into `groups` that cannot reach one another, or heals it (nil).
    func partitionNetwork(_ groups: [[NodeAddress]]?) async throws
    /// Adds `latency` to every frame to and from `node`, or removes it (nil).
    func slowNode(_ node: NodeAddress, latency: Duration?) async throws
}

extension InProcessFederation: FaultInjecting {
    public func crashNode(_ node: NodeAddress) async throws { await crash(node) }

    public func restartNode(_ node: NodeAddress) async throws {
        throw FaultInjectionError("restart needs deployment: processes (a node in the driver's process cannot start again)")
    }

    public func pauseNode(_ node: NodeAddress, paused: Bool) async throws {
        guard let running = nodes.first(where: { $0.address == node }) else { throw FaultInjectionError("\(node) is not a node") }
        running.executor.setPaused(paused)
    }

    public func partitionNetwork(_ groups: [[NodeAddress]]?) async throws {
        if let groups { network.partition(groups) } else { network.heal() }
    }

    public func slowNode(_ node: NodeAddress, latency: Duration?) async throws {
        // Slower than each pair's own link (a site link where one applies), and back to it after.
        func slowed(_ base: LinkSettings) -> LinkSettings {
            guard let latency else { return base }
            return LinkSettings(latency: base.latency + latency, jitter: base.jitter, lossProbability: base.lossProbability)
        }
        for other in plan.nodeAddresses + [client.address] where other != node {
            network.setLink(from: node, to: other, settings: slowed(plan.link(from: node, to: other)))
            network.setLink(from: other, to: node, settings: slowed(plan.link(from: other, to: node)))
        }
    }
}

extension ProcessFederation: FaultInjecting {
    public func crashNode(_ node: NodeAddress) async throws {
        guard await signal(SIGKILL, to: node) else { throw FaultInjectionError("\(node) is not running") }
    }

    public func restartNode(_ node: NodeAddress) async throws { try await restart(node) }

    public func pauseNode(_ node: NodeAddress, paused: Bool) async throws {
        guard await signal(paused ? SIGSTOP : SIGCONT, to: node) else { throw FaultInjectionError("\(node) is not running") }
    }

    public func partitionNetwork(_ groups: [[NodeAddress]]?) async throws {
        throw FaultInjectionError("partition needs deployment: in-process")
    }

    public func slowNode(_ node: NodeAddress, latency: Duration?) async throws {
        throw FaultInjectionError("slow needs deployment: in-process")
    }
}
