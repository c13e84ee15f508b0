public import LedgerCore
public import LedgerPrimitives
public import Monitor
public import Node
public import Transport
import Foundation
import Logging
import NetworkTransport
import Synchronization
#if canImport(Glibc)
import Glibc
import Consensus
import NodeProcess
#endif

/// How the driver runs nodes as processes: which executable, where their logs go, how long they
/// may take to start and to stop.
public struct ProcessDeployment: Sendable {
    /// The `vernier` executable; each node runs as `vernier node <configuration file>`.
    public var executable: String
    /// Each node's standard error goes to `<logDirectory>/<node>.log`.
    public var logDirectory: String
    public var host: String
    /// How long a node may take to print its readiness line.
    public var startTimeout: Duration
    /// How long a node may take to exit after SIGTERM before it gets SIGKILL.
    public var stopGrace: Duration

    public init(executable: String, logDirectory: String, host: String = "127.0.0.1",
                startTimeout: Duration = .seconds(30), stopGrace: Duration = .seconds(10)) {
        self.executable = executable
        self.logDirectory = logDirectory
        self.host = host
        self.startTimeout = startTimeout
        self.stopGrace = stopGrace
    }

    /// This process's own executable, for a driver that is `vernier` itself.
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// A federation of node processes on loopback, each a child of this driver, talking TCP; with one
/// client, the driver's, which is a member of the federation too.
///
/// Nodes cannot be read directly: the driver asks each node its ``NodeStatus`` over the network for
/// heights, roles and counters. No node outlives the driver: `stop()` sends SIGTERM and then SIGKILL
/// after the grace period, and every node asks the kernel for SIGKILL when the driver dies.
public final class ProcessFederation: BenchmarkFederation {
    /// The client's name in the federation.
    public static let driverAddress = NodeAddress("client0")

    public let plan: FederationPlan
    public let deployment: ProcessDeployment
    public let client: FederationClient
    /// Every node, in start order.
    public let addresses: [NodeAddress]
    private let clientEndpoint: TCPEndpoint
    private let launcher: NodeLauncher
    private let configurationPaths: [NodeAddress: String]
    private let ports: [NodeAddress: Int]
    private let running = Mutex<[NodeAddress: SpawnedNode]>([:])
    /// Processes whose end was asked for (a fault's signal) or already reported as unplanned.
    private let accountedExits = Mutex<Set<Int32>>([])
    private let submitters: [NodeAddress]
    private let listeners: [NodeAddress]
    private let clientTask: Task<Void, Never>
    private let statusTimeout: Duration = .seconds(2)
    /// True for nodes that something else started (`deployment: hosts`): the driver neither stops
    /// them nor sees their exits, and a node that stops answering counts as dead.
    let nodesStartedElsewhere: Bool
    /// Status requests each node has left unanswered in a row (nodes started elsewhere).
    let unansweredPolls = Mutex<[NodeAddress: Int]>([:])
    /// For nodes started elsewhere: the process instance each reported when the driver connected.
    let connectedInstances = Mutex<[NodeAddress: UInt64]>([:])

    init(plan: FederationPlan, deployment: ProcessDeployment, clientEndpoint: TCPEndpoint, launcher: NodeLauncher,
         configurationPaths: [NodeAddress: String], ports: [NodeAddress: Int], spawned: [NodeAddress: SpawnedNode],
         nodesStartedElsewhere: Bool = false) {
        self.nodesStartedElsewhere = nodesStartedElsewhere
        self.ports = ports
        self.plan = plan
        self.deployment = deployment
        self.clientEndpoint = clientEndpoint
        self.launcher = launcher
        self.configurationPaths = configurationPaths
        addresses = plan.nodeAddresses
        running.withLock { $0 = spawned }
        let client = FederationClient(endpoint: clientEndpoint)
        self.client = client
        switch plan.kind {
        case .raft:
            submitters = plan.members.orderers
            listeners = plan.members.peers
        case .proofOfWork:
            // Clients talk to a full node, as an Ethereum client talks to its own node.
            submitters = plan.members.peers.isEmpty ? plan.members.orderers : plan.members.peers
            listeners = submitters
        case .store:
            submitters = [plan.members.orderers[0]]
            listeners = submitters
        }
        clientTask = Task { await client.run() }
        client.subscribe(to: listeners)
    }

    /// Writes each node's configuration, starts every node as a child process on a free loopback
    /// port and waits until each is ready; on any failure stops the ones started and throws with the
    /// failing node's last log lines.
    public static func start(_ plan: FederationPlan, deployment: ProcessDeployment) async throws -> ProcessFederation {
        try FileManager.default.createDirectory(atPath: deployment.logDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: plan.directory, withIntermediateDirectories: true)
        let addresses = plan.nodeAddresses
        let identities = Dictionary(uniqueKeysWithValues: addresses.enumerated().map { index, address in
            (address, SigningAccount.deterministic(seed: plan.seed ^ 0x6E6F_6465_6B65_7973, index: UInt64(index)))
        })
        let driverIdentity = SigningAccount.deterministic(seed: plan.seed ^ 0x6E6F_6465_6B65_7973, index: UInt64(addresses.count))
        let ports = Dictionary(uniqueKeysWithValues: zip(addresses, try FreePorts.reserve(count: addresses.count, host: deployment.host)))
        var members = addresses.map { address in
            NodeProcessConfiguration.Member(name: address, publicKey: NodeProcessConfiguration.hex(identities[address]!.publicKey),
                                            host: deployment.host, port: ports[address]!)
        }
        members.append(NodeProcessConfiguration.Member(name: driverAddress, publicKey: NodeProcessConfiguration.hex(driverIdentity.publicKey),
                                                       host: nil, port: nil))
        var configurationPaths: [NodeAddress: String] = [:]
        for address in addresses {
            let configuration = NodeProcessConfiguration(
                node: address, plan: plan, identity: identities[address]!, listenHost: deployment.host,
                listenPort: ports[address]!, members: members, driver: driverAddress, parentProcessId: getpid())
            let path = plan.directory + "/" + address.name + ".node.json"
            try configuration.write(to: path)
            configurationPaths[address] = path
        }
        let launcher = NodeLauncher()
        var spawned: [NodeAddress: SpawnedNode] = [:]
        do {
            for address in addresses {
                spawned[address] = try await launcher.spawn(
                    name: address.name, executable: deployment.executable, arguments: ["node", configurationPaths[address]!],
                    logPath: deployment.logDirectory + "/" + address.name + ".log")
            }
            for address in addresses {
                _ = try await launcher.awaitReadiness(of: spawned[address]!, prefix: NodeProcessConfiguration.readinessPrefix,
                                                      timeout: deployment.startTimeout)
            }
        } catch {
            for node in spawned.values { _ = await launcher.stop(node.processId, grace: deployment.stopGrace) }
            launcher.shutdown()
            throw FederationError(description: "starting the node processes failed: \(error)")
        }
        let clientEndpoint: TCPEndpoint
        var clientLogger = Logger(label: "vernier.client")
        clientLogger.logLevel = .warning
        do {
            clientEndpoint = try await TCPEndpoint.start(TCPEndpointConfiguration(
                address: driverAddress, identity: driverIdentity, listen: nil,
                directory: NodeProcessConfiguration.transportDirectory(members), links: plan.links, seed: plan.seed,
                logger: clientLogger))
        } catch {
            for node in spawned.values { _ = await launcher.stop(node.processId, grace: deployment.stopGrace) }
            launcher.shutdown()
            throw FederationError(description: "the driver's client could not start: \(error)")
        }
        return ProcessFederation(plan: plan, deployment: deployment, clientEndpoint: clientEndpoint, launcher: launcher,
                                 configurationPaths: configurationPaths, ports: ports, spawned: spawned)
    }

    // MARK: BenchmarkFederation

    public func submitter(forAccount index: Int) -> NodeAddress { submitters[index % submitters.count] }

    public func listener(forAccount index: Int) -> NodeAddress { listeners[index % listeners.count] }

    public func nextNonce(of address: Address) async -> UInt64? {
        guard let listener = listeners.first else { return nil }
        return await client.status(of: listener, account: address, timeout: statusTimeout)?.nextNonce
    }

    /// The orderer that leads in the highest term among those that answer within `timeout` (a
    /// crashed orderer never answers), if any leads.
    public func leader(timeout: Duration = .milliseconds(250)) async -> NodeAddress? {
        var best: (term: UInt64, address: NodeAddress)?
        for (address, status) in await statuses(of: plan.members.orderers, timeout: timeout) where status.raftRole == .leader {
            if best == nil || status.term > best!.term { best = (status.term, address) }
        }
        return best?.address
    }

    public func awaitLeader(timeout: Duration) async -> NodeAddress? {
        guard case .raft = plan.kind else {
            // Other kinds are ready once their contact answers.
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            while clock.now < deadline, !Task.isCancelled {
                if let first = submitters.first, await client.status(of: first, timeout: .milliseconds(500)) != nil { return first }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline, !Task.isCancelled {
            if let leader = await leader() { return leader }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    public func settle(timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        switch plan.kind {
        case .raft:
            let height = await statuses(of: plan.members.orderers).values.map(\.height).max() ?? 0
            while clock.now < deadline, !Task.isCancelled {
                let peers = await statuses(of: plan.members.peers)
                if peers.count == plan.members.peers.count, peers.values.allSatisfy({ $0.height >= height }) { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return false
        case .proofOfWork:
            // As in-process: pause mining, let gossip converge; tips of equal work need one more block.
            while clock.now < deadline, !Task.isCancelled {
                await setMiningPaused(true)
                let gossipDeadline = min(deadline, clock.now.advanced(by: .seconds(2)))
                while clock.now < gossipDeadline, !Task.isCancelled {
                    if await proofOfWorkTipCount() <= 1 { return true }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                await setMiningPaused(false)
                try? await Task.sleep(for: .milliseconds(200))
            }
            await setMiningPaused(true)
            return await proofOfWorkTipCount() <= 1
        case .store:
            return true
        }
    }

    public func resumeAfterSettle() async {
        if case .proofOfWork = plan.kind { await setMiningPaused(false) }
    }

    public func chainStates() async -> [NodeChainState] {
        let statuses = await statuses(of: addresses)
        return addresses.compactMap { address in
            statuses[address].map { NodeChainState(address: address, height: $0.height, headHash: $0.headHash, stateDigest: $0.stateDigest) }
        }
    }

    public func chainState(of address: NodeAddress) async -> NodeChainState? {
        await statuses(of: [address], timeout: .milliseconds(500))[address].map {
            NodeChainState(address: address, height: $0.height, headHash: $0.headHash, stateDigest: $0.stateDigest)
        }
    }

    public var nodeThreadIDs: Set<Int32> { [] }

    /// Every node as it measures itself: each sample asks the node its status, which carries the
    /// node's own reading of its process (CPU, memory, disk) and its transport's bytes, so the
    /// figures are the same wherever the node runs. A node that does not answer within the status
    /// timeout, or reports no reading, leaves a missed sample. And the driver's process as `process`.
    public func monitoredNodes() -> [MonitoredNode] {
        var monitored = addresses.map { address in
            MonitoredNode(name: address.name) { [client, statusTimeout] in
                await Self.report(of: address, client: client, timeout: statusTimeout)
            }
        }
        monitored.append(MonitoredNode(name: "process", source: .currentProcess))
        return monitored
    }

    /// Asks `address` for its status and turns it into the monitor's report.
    static func report(of address: NodeAddress, client: FederationClient, timeout: Duration) async -> NodeReport {
        guard let status = await client.status(of: address, timeout: timeout) else {
            let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            return .missing(reason: "did not answer its status request within \(milliseconds) ms")
        }
        switch status.resources {
        case .reading(let reading):
            return .measured(ReportedResources(reading: reading, networkInBytes: status.bytesReceived, networkOutBytes: status.bytesSent))
        case .unreadable(let reason):
            return .missing(reason: "could not read its own resources: \(reason)")
        case nil:
            return .missing(reason: "reported no resources (a node older than the driver?)")
        }
    }

    public func nodeProcessIds() async -> [String: Int32] {
        running.withLock { running in Dictionary(uniqueKeysWithValues: running.map { ($0.key.name, $0.value.processId) }) }
    }

    public func unplannedExits() async -> [(node: NodeAddress, exit: NodeExit)] {
        if nodesStartedElsewhere { return await unreachableNodes() }
        let processes = running.withLock { $0 }
        var exits: [(node: NodeAddress, exit: NodeExit)] = []
        for address in addresses {
            guard let process = processes[address], !accountedExits.withLock({ $0.contains(process.processId) }),
                  let exit = await launcher.exit(of: process.processId) else { continue }
            accountedExits.withLock { _ = $0.insert(process.processId) }
            exits.append((address, exit))
        }
        return exits
    }

    public func transactionCounts(of ids: [Hash256], on node: NodeAddress) async -> TransactionCounts? {
        // A long chain is read back from disk: allow it time.
        await client.transactionCounts(on: node, ids: ids, timeout: .seconds(60))
    }

    /// Stops every node (SIGTERM, then SIGKILL after the grace period) and the client.
    public func stop() async {
        let processes = running.withLock { running in
            defer { running = [:] }
            return Array(running.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for process in processes {
                group.addTask { [launcher, deployment] in _ = await launcher.stop(process.processId, grace: deployment.stopGrace) }
            }
        }
        client.stop()
        await clientEndpoint.shutdown()
        await clientTask.value
        launcher.shutdown()
    }

    // MARK: Faults (tests and fault rounds)

    /// The loopback port a node listens on.
    public func port(of address: NodeAddress) -> Int? { ports[address] }

    /// A node's compressed public key in hexadecimal, as its members know it.
    public func publicKeyHex(of address: NodeAddress) -> String? {
        guard let path = configurationPaths[address], let configuration = try? NodeProcessConfiguration.load(path: path) else { return nil }
        return configuration.members.first { $0.name == address }?.publicKey
    }

    /// Sends `signal` to a node's process (SIGKILL to crash it); false if it is not running.
    @discardableResult
    public func signal(_ signal: Int32, to address: NodeAddress) async -> Bool {
        guard let process = running.withLock({ $0[address] }) else { return false }
        if signal == SIGKILL || signal == SIGTERM {
            // A planned end: not an incident.
            accountedExits.withLock { _ = $0.insert(process.processId) }
        }
        let sent = await launcher.send(signal, to: process.processId)
        if signal == SIGKILL { _ = await launcher.waitForExit(process.processId) }
        return sent
    }

    /// How a node's current process ended, if it has.
    public func exit(of address: NodeAddress) async -> NodeExit? {
        guard let process = running.withLock({ $0[address] }) else { return nil }
        return await launcher.exit(of: process.processId)
    }

    /// Starts a node again on its data directory and port, after it crashed or was stopped.
    public func restart(_ address: NodeAddress) async throws {
        guard let path = configurationPaths[address] else { throw FederationError(description: "\(address) is not a node of this federation") }
        if let old = running.withLock({ $0[address] }), await launcher.isRunning(old.processId) {
            throw FederationError(description: "\(address) still runs as process \(old.processId)")
        }
        let node = try await launcher.spawn(name: address.name, executable: deployment.executable, arguments: ["node", path],
                                            logPath: deployment.logDirectory + "/" + address.name + ".log")
        running.withLock { $0[address] = node }
        _ = try await launcher.awaitReadiness(of: node, prefix: NodeProcessConfiguration.readinessPrefix, timeout: deployment.startTimeout)
    }

    /// The status of each node that answered within `timeout` (by default the status timeout, 2 s).
    public func statuses(of nodes: [NodeAddress], timeout: Duration? = nil) async -> [NodeAddress: NodeStatus] {
        let timeout = timeout ?? statusTimeout
        let answers = await withTaskGroup(of: (NodeAddress, NodeStatus?).self) { group in
            for node in nodes {
                group.addTask { [client] in (node, await client.status(of: node, timeout: timeout)) }
            }
            var answers: [NodeAddress: NodeStatus] = [:]
            for await (node, status) in group { if let status { answers[node] = status } }
            return answers
        }
        return answers
    }

    private func setMiningPaused(_ paused: Bool) async {
        await withTaskGroup(of: Void.self) { group in
            for miner in plan.members.orderers {
                group.addTask { [client, statusTimeout] in _ = await client.pauseMining(on: miner, paused: paused, timeout: statusTimeout) }
            }
        }
    }

    private func proofOfWorkTipCount() async -> Int {
        let statuses = await statuses(of: addresses)
        return statuses.count == addresses.count ? Set(statuses.values.map(\.headHash)).count : Int.max
    }
}
