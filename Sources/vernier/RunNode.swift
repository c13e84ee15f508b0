import ArgumentParser
import CVernierSystem
import Dispatch
import Driver
import Foundation
import Logging
import NetworkTransport
import Node
import Transport

/// `vernier node <file>`: runs one node of a federation in this process, as the driver starts it.
struct RunNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one node (orderer, peer, miner or store) from a node configuration file.",
        discussion: """
            The driver writes the file and starts this command once per node when a benchmark says \
            `deployment: processes`. The node listens on its TCP port, opens its stores, then prints \
            one line starting with "\(NodeProcessConfiguration.readinessPrefix)" on standard output; it logs \
            to standard error. On SIGTERM it finishes what it is writing, closes its stores and exits 0. \
            It exits when the driver that started it dies. Exit codes: 0 stopped, 2 invalid file, 3 failed.
            """)

    @Argument(help: "The node configuration file (JSON) the driver wrote.")
    var file: String

    func run() async throws {
        let configuration: NodeProcessConfiguration
        do {
            configuration = try NodeProcessConfiguration.load(path: file)
        } catch {
            printToStandardError("vernier node: \(error)")
            throw ExitCode(2)
        }
        // Die with the driver: SIGKILL when the thread that started us exits; and if the driver
        // already died before we asked, our parent is no longer the driver.
        _ = vernier_set_parent_death_signal(SIGKILL)
        guard getppid() == configuration.parentProcessId else {
            printToStandardError("vernier node \(configuration.node): the driver (process \(configuration.parentProcessId)) is gone")
            throw ExitCode(3)
        }
        let name = configuration.node.name
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
            let identity = try configuration.identity()
            let members = configuration.members.map { member in
                NodeProcessConfiguration.Member(name: member.name, publicKey: member.publicKey, host: member.host, port: member.port)
            }
            var endpointConfiguration = TCPEndpointConfiguration(
                address: configuration.node, identity: identity,
                listen: TCPListenAddress(host: configuration.listenHost, port: configuration.listenPort),
                directory: ProcessFederation.directory(members), links: configuration.plan.links,
                seed: configuration.plan.seed &+ UInt64(configuration.plan.nodeAddresses.firstIndex(of: configuration.node) ?? 0), logger: logger)
            endpointConfiguration.frameValidator = { (bytes: [UInt8]) -> String? in
                do {
                    _ = try NodeMessage(frame: bytes)
                    return nil
                } catch {
                    return "not a node message: \(error)"
                }
            }
            endpoint = try await TCPEndpoint.start(endpointConfiguration)
            host = try await NodeHost(plan: configuration.plan, address: configuration.node, endpoint: endpoint,
                                      driver: configuration.driver)
        } catch {
            logger.critical("could not start: \(error)")
            printToStandardError("vernier node \(name): \(error)")
            throw ExitCode(3)
        }
        // One unbuffered write, so the driver sees the whole line at once.
        let readiness = "\(NodeProcessConfiguration.readinessPrefix) name=\(name) port=\(endpoint.listeningPort ?? configuration.listenPort) pid=\(getpid())\n"
        FileHandle.standardOutput.write(Data(readiness.utf8))
        logger.info("ready on \(configuration.listenHost):\(configuration.listenPort), data in \(configuration.plan.directory)/\(name)")

        // Also stop if the parent changes (a belt to the parent-death signal's braces).
        let watchdog = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if getppid() != configuration.parentProcessId { stopRequested.yield("the driver is gone") }
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
    }
}
