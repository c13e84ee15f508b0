public import NetworkSpec
public import BenchmarkSpec
import Foundation
import Logging
import NetworkTransport
import Node
import NodeProcess
public import Transport

extension ProcessFederation {
    /// How many status requests in a row a node started elsewhere may leave unanswered before it
    /// counts as dead (each waits ``ProcessFederation`` 's status timeout, 2 s).
    static let unansweredPollsBeforeDeath = 3

    /// Connects to the nodes of a `deployment: hosts` federation that something else started from
    /// `deployment`'s files, and checks them before any load: each must answer within `timeout`,
    /// report the digest of its own file from that deployment, have started on an empty data
    /// directory as a process other than `earlierInstances` (those of earlier repetitions), and
    /// (Raft and no-ledger) stand at genesis. The driver owns none of them: stopping it stops only
    /// its client.
    public static func connect(
        to deployment: DriverDeploymentFile, network: NetworkConfiguration, timeout: Duration,
        refusing earlierInstances: Set<UInt64> = [], log: @Sendable (String) -> Void = { _ in }
    ) async throws -> ProcessFederation {
        guard deployment.networkDigest == network.deploymentDigest.hex else {
            throw FederationError(description: "the deployment's files were written for another federation than this benchmark file's: "
                + "write them again with `vernier deploy files` and start the nodes from the new files")
        }
        let plan = deployment.plan
        let identity = try deployment.identity()
        var logger = Logger(label: "vernier.client")
        logger.logLevel = .warning
        let clientEndpoint: TCPEndpoint
        do {
            clientEndpoint = try await TCPEndpoint.start(TCPEndpointConfiguration(
                address: NodeAddress(DriverDeploymentFile.driverName), identity: identity, listen: nil,
                directory: NodeProcessConfiguration.transportDirectory(deployment.members), links: plan.links, seed: plan.seed,
                logger: logger))
        } catch {
            throw FederationError(description: "the driver's client could not start: \(error)")
        }
        let ports = Dictionary(uniqueKeysWithValues: deployment.nodes.map { (NodeAddress($0.location.node), $0.location.port) })
        let federation = ProcessFederation(
            plan: plan, deployment: ProcessDeployment(executable: "", logDirectory: ""), clientEndpoint: clientEndpoint,
            launcher: NodeLauncher(), configurationPaths: [:], ports: ports, spawned: [:], nodesStartedElsewhere: true)
        do {
            try await federation.checkNodes(against: deployment, timeout: timeout, refusing: earlierInstances, log: log)
        } catch {
            await federation.stop()
            throw error
        }
        return federation
    }

    /// Waits until every node answers from the right file at genesis; throws naming each node that
    /// did not, and why.
    private func checkNodes(against deployment: DriverDeploymentFile, timeout: Duration, refusing earlierInstances: Set<UInt64>,
                            log: @Sendable (String) -> Void) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        let expected = Dictionary(uniqueKeysWithValues: deployment.nodes.map { (NodeAddress($0.location.node), $0) })
        var pending: [NodeAddress: String] = Dictionary(uniqueKeysWithValues: addresses.map { address in
            let location = expected[address]!.location
            return (address, "no answer from \(location.address):\(location.port) on host \(location.host)")
        })
        var announced = false
        while !pending.isEmpty {
            for (address, status) in await statuses(of: Array(pending.keys), timeout: .seconds(1)) {
                let node = expected[address]!
                guard status.configurationDigest?.hex == node.configurationDigest else {
                    // Another file: no waiting makes it right.
                    throw FederationError(description: "\(address) at \(node.location.address):\(node.location.port) was started from "
                        + "another configuration file (digest \(status.configurationDigest?.hex.prefix(12) ?? "none"), "
                        + "expected \(node.configurationDigest.prefix(12))): start it with \(address.name).node.json from this deployment")
                }
                if let reason = status.stopReason {
                    throw FederationError(description: "\(address) has stopped: \(reason)")
                }
                guard let start = status.processStart else {
                    throw FederationError(description: "\(address) does not say how its process started: it is not a node of "
                        + "this vernier build; start it with this build's `vernier node`")
                }
                let restart = "restart it with `vernier node --reset \(address.name).node.json` so that it starts a fresh chain"
                if !start.startedEmpty {
                    pending[address] = "\(address) started on the data of an earlier chain: " + restart
                    continue
                }
                if earlierInstances.contains(start.instance) {
                    pending[address] = "\(address) is still the process of an earlier repetition, on its chain: " + restart
                    continue
                }
                if status.height > 0, !isProofOfWork {
                    pending[address] = "\(address) is at height \(status.height), not at genesis: " + restart
                    continue
                }
                pending[address] = nil
                connectedInstances.withLock { $0[address] = start.instance }
            }
            if pending.isEmpty { break }
            if clock.now >= deadline {
                throw FederationError(description: "the nodes were not ready within \(timeout): "
                    + pending.keys.sorted().map { pending[$0]! }.joined(separator: "; "))
            }
            if !announced {
                log("waiting for \(pending.count) of \(addresses.count) nodes on their hosts (up to \(timeout))")
                announced = true
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The process instances of the nodes started elsewhere, as they were when the driver connected.
    public var nodeInstances: Set<UInt64> {
        Set(connectedInstances.withLock { $0.values })
    }

    private var isProofOfWork: Bool {
        if case .proofOfWork = plan.kind { true } else { false }
    }

    /// Nodes started elsewhere that stopped answering (three status requests in a row) or reported
    /// that they stopped, each once.
    func unreachableNodes() async -> [(node: NodeAddress, exit: NodeExit)] {
        let answers = await statuses(of: addresses)
        var dead: [(node: NodeAddress, exit: NodeExit)] = []
        unansweredPolls.withLock { polls in
            for address in addresses where polls[address] != -1 {
                if let reason = answers[address]?.stopReason {
                    dead.append((address, .unreachable("stopped: \(reason)")))
                    polls[address] = -1
                } else if answers[address] == nil {
                    let missed = (polls[address] ?? 0) + 1
                    polls[address] = missed
                    if missed >= Self.unansweredPollsBeforeDeath {
                        dead.append((address, .unreachable("stopped answering the driver (\(missed) status requests in a row)")))
                        polls[address] = -1
                    }
                } else {
                    polls[address] = 0
                }
            }
        }
        return dead
    }
}
