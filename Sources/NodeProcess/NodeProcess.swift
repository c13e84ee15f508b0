import CVernierSystem
import Dispatch
import Foundation
import LedgerPrimitives
import Logging
import Monitor
import NetworkTransport
import Node
import Transport

/// One node of a federation run as its own operating-system process, as `vernier node` starts it.
///
/// It reads the node configuration file the driver wrote, listens on its TCP port, opens its
/// stores, prints one readiness line on standard output and serves until SIGTERM, or until the
/// driver that started it is gone.
public enum NodeProcess {
    /// How a node process ended.
    public enum Exit: Int32, Sendable, CaseIterable {
        /// Stopped by SIGTERM, or because the driver is gone, after closing its stores.
        case stopped = 0
        /// The node configuration file could not be read or is invalid.
        case invalidConfiguration = 2
        /// The node could not start (its port, its stores, or a driver that was already gone).
        case failed = 3
    }

    /// Runs the node described by the file at `configurationPath` until it is told to stop; with
    /// `reset`, first removes the node's data directory so that it starts a fresh chain from genesis.
    public static func run(configurationPath: String, reset: Bool = false) async -> Exit {
        let configuration: NodeProcessConfiguration
        let configurationDigest: Hash256
        do {
            (configuration, configurationDigest) = try NodeProcessConfiguration.loadWithDigest(path: configurationPath)
        } catch {
            writeToStandardError("vernier node: \(error)")
            return .invalidConfiguration
        }
        // A child of the driver dies with it: SIGKILL when the thread that started us exits; and if
        // the driver already died before we asked, our parent is no longer the driver.
        if let parent = configuration.parentProcessId {
            _ = vernier_set_parent_death_signal(SIGKILL)
            guard getppid() == parent else {
                writeToStandardError("vernier node \(configuration.node): the driver (process \(parent)) is gone")
                return .failed
            }
        }
        let name = configuration.node.name
        let dataDirectory = configuration.plan.directory + "/" + name
        if reset {
            do {
                if FileManager.default.fileExists(atPath: dataDirectory) { try FileManager.default.removeItem(atPath: dataDirectory) }
            } catch {
                writeToStandardError("vernier node \(name): --reset could not remove \(dataDirectory): \(error)")
                return .failed
            }
        }
        // Whether this start begins a fresh chain: a driver of nodes it did not start checks it.
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        let processStart = NodeStatus.ProcessStart(instance: UInt64.random(in: 1...UInt64.max), startedEmpty: existing.isEmpty)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        var logger = Logger(label: "vernier.node.\(name)")
        logger.logLevel = .info
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let termination = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        let (stopRequests, stopRequested) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        termination.setEventHandler { stopRequested.yield("SIGTERM") }
        termination.resume()

        let endpoint: TCPEndpoint
        let host: NodeHost
        do {
            (endpoint, host) = try await start(configuration, digest: configurationDigest, processStart: processStart, logger: logger)
        } catch {
            logger.critical("could not start: \(error)")
            writeToStandardError("vernier node \(name): \(error)")
            return .failed
        }
        // One unbuffered write, so the driver sees the whole line at once.
        let readiness = "\(NodeProcessConfiguration.readinessPrefix) name=\(name) port=\(endpoint.listeningPort ?? configuration.listenPort) pid=\(getpid())\n"
        FileHandle.standardOutput.write(Data(readiness.utf8))
        logger.info("ready on \(configuration.listenHost):\(configuration.listenPort), data in \(configuration.plan.directory)/\(name)")

        // Also stop if the parent changes (a belt to the parent-death signal's braces).
        let watchdog = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if let parent = configuration.parentProcessId, getppid() != parent { stopRequested.yield("the driver is gone") }
            }
        }
        var reason = "stopped"
        for await request in stopRequests {
            reason = request
            break
        }
        watchdog.cancel()
        logger.info("stopping: \(reason)")
        await host.stop(reason: reason)
        await endpoint.shutdown()
        let status = await host.node.stopReason
        logger.info("stopped (\(status ?? reason))")
        termination.cancel()
        return .stopped
    }

    /// Opens the node's endpoint (which refuses frames that are not node messages) and its host.
    private static func start(_ configuration: NodeProcessConfiguration, digest: Hash256, processStart: NodeStatus.ProcessStart,
                              logger: Logger) async throws -> (TCPEndpoint, NodeHost) {
        let identity = try configuration.identity()
        let nodeIndex = configuration.plan.nodeAddresses.firstIndex(of: configuration.node) ?? 0
        var endpointConfiguration = TCPEndpointConfiguration(
            address: configuration.node, identity: identity,
            listen: TCPListenAddress(host: configuration.listenHost, port: configuration.listenPort),
            directory: NodeProcessConfiguration.transportDirectory(configuration.members), links: configuration.plan.links,
            seed: configuration.plan.seed &+ UInt64(nodeIndex), logger: logger)
        endpointConfiguration.linkOverrides = configuration.plan.linkOverrides(from: configuration.node)
        endpointConfiguration.frameValidator = { (bytes: [UInt8]) -> String? in
            do {
                _ = try NodeMessage(frame: bytes)
                return nil
            } catch {
                return "not a node message: \(error)"
            }
        }
        let endpoint = try await TCPEndpoint.start(endpointConfiguration)
        do {
            let host = try await NodeHost(plan: configuration.plan, address: configuration.node, endpoint: endpoint,
                                          driver: configuration.driver, configurationDigest: digest, processStart: processStart,
                                          ownResources: OwnProcessResources())
            return (endpoint, host)
        } catch {
            await endpoint.shutdown()
            throw error
        }
    }

    private static func writeToStandardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
