import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Federations across real network hops: Linux network namespaces stand in for hosts (one for the
/// ordering nodes, one per organisation), joined by veth pairs to a bridge in the driver's
/// namespace. Each node runs inside its host from the files `vernier deploy files` wrote; the
/// driver runs `vernier run --deployment` from its own namespace.
///
/// Needs root and iproute2 (CI is root); elsewhere the tests say why they did not run. Whatever
/// happens, the namespaces, links and node processes are removed.
@Suite("Hosts in network namespaces (end to end)", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["VERNIER_REAL_CLOCK_TESTS"] == "1"))
struct HostsNamespaceTests {
    @Test("a Raft federation on three namespace hosts runs, checks its ledger and commits, and measures each node")
    func raftAcrossNamespaces() throws {
        try runAcrossNamespaces(consensus: """
              consensus: raft
              raft: { orderers: 3, batchTimeout: 100ms }
            """, groups: ["orderers", "org1", "org2"], nodeCount: 5, tag: "r")
    }

    @Test("a proof-of-work federation on three namespace hosts runs, checks its ledger and commits, and measures each node")
    func proofOfWorkAcrossNamespaces() throws {
        try runAcrossNamespaces(consensus: """
              consensus: pow
              pow: { miners: 2, targetBlockInterval: 500ms, confirmations: 1 }
            """, groups: ["miners", "org1", "org2"], nodeCount: 4, tag: "p")
    }

    /// Builds the hosts, deploys, starts the nodes in their hosts, runs the benchmark from the
    /// driver's namespace and checks run.json.
    private func runAcrossNamespaces(consensus: String, groups: [String], nodeCount: Int, tag: String) throws {
        guard let reason = NamespaceHosts.whyUnavailable() else {
            try runAvailable(consensus: consensus, groups: groups, nodeCount: nodeCount, tag: tag)
            return
        }
        print("HostsNamespaceTests skipped: \(reason)")
    }

    private func runAvailable(consensus: String, groups: [String], nodeCount: Int, tag: String) throws {
        let hosts = try NamespaceHosts(prefix: "vn\(tag)\(getpid() % 10_000)", count: groups.count)
        defer { hosts.remove() }
        let directory = FileManager.default.temporaryDirectory.path + "/vernier-netns-\(tag)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hostLines = zip(groups, hosts.addresses).map { group, address in
            "    - { name: \(group == "org1" || group == "org2" ? "site-" + group : "ordering"), address: \(address), port: 7050 }"
        }.joined(separator: "\n")
        let benchmark = """
            name: netns-\(tag)
            seed: 5
            network:
            \(consensus)
              deployment: hosts
              organizations:
                - { name: org1, peers: 1 }
                - { name: org2, peers: 1 }
              hosts:
            \(hostLines)
              placement: per-organization
              links: { latency: 2ms }
            accounts: 40
            repetitions: 1
            monitor: { interval: 500ms }
            rounds:
              - label: open
                txNumber: 120
                rateControl: { type: fixed-rate, opts: { tps: 60 } }
                workload: { module: simple/open, arguments: { numberOfAccounts: 120, initialMoney: 1000 } }
              - label: transfer
                txNumber: 120
                rateControl: { type: fixed-rate, opts: { tps: 60 } }
                workload: { module: simple/transfer, arguments: { numberOfAccounts: 120, moneyToTransfer: 1 } }

            """
        let file = directory + "/netns.yaml"
        try benchmark.write(toFile: file, atomically: true, encoding: .utf8)
        let deploy = try ValidateCommandTests.run(["deploy", "files", file, "--out", directory + "/deploy",
                                                   "--data-directory", directory + "/data"])
        try #require(deploy.status == 0, "deploy files exited \(deploy.status): \(deploy.standardError)")
        // Every node in its host's namespace, from its own file.
        let nodeFiles = try FileManager.default.contentsOfDirectory(atPath: directory + "/deploy")
            .filter { $0.hasSuffix(".node.json") }.sorted()
        try #require(nodeFiles.count == nodeCount)
        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        for nodeFile in nodeFiles {
            let node = String(nodeFile.dropLast(".node.json".count))
            let group = node.hasPrefix("peer") ? String(node.split(separator: ".").last!) : groups[0]
            let namespace = hosts.namespaces[groups.firstIndex(of: group)!]
            try nodes.start(node, namespace: namespace, file: directory + "/deploy/" + nodeFile, log: directory + "/\(node).log")
        }
        try nodes.awaitReady(timeoutSeconds: 60)
        let run = try ValidateCommandTests.run(["run", file, "--deployment", directory + "/deploy", "--results", directory + "/results"])
        let logs = nodes.names.map { name in
            "\(name): " + ((try? String(contentsOfFile: directory + "/\(name).log", encoding: .utf8))?.suffix(600) ?? "")
        }.joined(separator: "\n")
        #expect(run.status == 0, "vernier run exited \(run.status): \(run.standardError.suffix(2000))\n\(run.standardOutput.suffix(2000))\n\(logs)")
        #expect(run.standardOutput.contains("ledger check: all \(nodeCount) nodes"), "\(run.standardOutput.suffix(1500))")
        #expect(run.standardOutput.contains("commit check: all 240 acknowledged transactions exactly once on each of \(nodeCount) nodes"),
                "\(run.standardOutput.suffix(1500))")
        // The nodes crossed real hops: each host's veth carried traffic, and every node sampled itself.
        let runFiles = try FileManager.default.subpathsOfDirectory(atPath: directory + "/results").filter { $0.hasSuffix("run.json") }
        try #require(runFiles.count == 1)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/results/" + runFiles[0])))
        let object = try #require(report as? [String: Any])
        #expect(object["consistent"] as? Bool == true)
        #expect((object["lostAcknowledged"] as? [Any])?.isEmpty ?? (object["lostAcknowledged"] as? Int == 0),
                "lostAcknowledged: \(String(describing: object["lostAcknowledged"]))")
        // Every node measured itself in its own host: CPU, memory and disk from its /proc, sent with its status.
        let repetition = try #require((object["repetitions"] as? [[String: Any]])?.first)
        let rounds = try #require(repetition["resources"] as? [[String: Any]])
        #expect(rounds.count == 2)
        for round in rounds {
            let nodesMeasured = try #require(round["nodes"] as? [[String: Any]])
            let names = Set(nodesMeasured.compactMap { $0["node"] as? String })
            #expect(Set(nodes.names).isSubset(of: names), "measured \(names), expected every node of \(nodes.names)")
            for node in nodesMeasured where nodes.names.contains(node["node"] as? String ?? "") {
                #expect(node["diskSource"] as? String == "reportedProcIO", "\(node)")
                #expect((node["memoryMaxBytes"] as? Double ?? 0) > 1_000_000, "\(node)")
                #expect((node["cpuSeconds"] as? Double ?? 0) > 0, "\(node)")
                #expect(node["missedSamples"] == nil, "\(node)")
            }
        }
        for (index, namespace) in hosts.namespaces.enumerated() {
            let bytes = hosts.receivedBytes(namespace: namespace)
            #expect(bytes > 10_000, "host \(groups[index]) (\(namespace)) received only \(bytes) bytes over its link")
        }
    }
}

/// Network namespaces as hosts: a bridge in this namespace with `10.<a>.<b>.1/24`, and one
/// namespace per host with a veth pair to the bridge and the next address. Removing is idempotent.
final class NamespaceHosts: @unchecked Sendable {
    let prefix: String
    let namespaces: [String]
    let addresses: [String]
    private let bridge: String
    private let subnet: String

    /// Why namespaces cannot be made here, or nil when they can.
    static func whyUnavailable() -> String? {
        guard geteuid() == 0 else { return "not root: creating network namespaces needs root (CI runs as root)" }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip")
                || FileManager.default.isExecutableFile(atPath: "/usr/bin/ip") else {
            return "no `ip` command (install iproute2)"
        }
        let probe = "vprobe\(getpid() % 100_000)"
        let added = NamespaceHosts.ip(["netns", "add", probe])
        defer { _ = NamespaceHosts.ip(["netns", "del", probe]) }
        guard added.status == 0 else { return "`ip netns add` failed: \(added.output)" }
        let bridge = NamespaceHosts.ip(["link", "add", probe, "type", "bridge"])
        defer { _ = NamespaceHosts.ip(["link", "del", probe]) }
        guard bridge.status == 0 else { return "this kernel cannot make a bridge: \(bridge.output)" }
        return nil
    }

    init(prefix: String, count: Int) throws {
        self.prefix = prefix
        bridge = prefix + "br"
        // A /24 of the test's own in 10.0.0.0/8, from the prefix, unlikely to meet the machine's.
        let hash = prefix.unicodeScalars.reduce(UInt32(17)) { ($0 &* 31) &+ $1.value }
        let subnet = "10.\(200 + hash % 50).\(hash / 50 % 250)"
        self.subnet = subnet
        namespaces = (0..<count).map { "\(prefix)h\($0)" }
        addresses = (0..<count).map { "\(subnet).\(10 + $0)" }
        remove()
        do {
            try Self.must(["link", "add", bridge, "type", "bridge"])
            try Self.must(["addr", "add", "\(subnet).1/24", "dev", bridge])
            try Self.must(["link", "set", bridge, "up"])
            for (index, namespace) in namespaces.enumerated() {
                let outside = "\(prefix)v\(index)", inside = "\(prefix)i\(index)"
                try Self.must(["netns", "add", namespace])
                try Self.must(["link", "add", outside, "type", "veth", "peer", "name", inside])
                try Self.must(["link", "set", inside, "netns", namespace])
                try Self.must(["link", "set", outside, "master", bridge])
                try Self.must(["link", "set", outside, "up"])
                try Self.must(["-n", namespace, "addr", "add", "\(addresses[index])/24", "dev", inside])
                try Self.must(["-n", namespace, "link", "set", inside, "up"])
                try Self.must(["-n", namespace, "link", "set", "lo", "up"])
                try Self.must(["-n", namespace, "route", "add", "default", "via", "\(subnet).1"])
            }
        } catch {
            remove()
            throw error
        }
    }

    /// Bytes the host's end of its veth received, from the kernel's counters.
    func receivedBytes(namespace: String) -> Int {
        guard let index = namespaces.firstIndex(of: namespace) else { return 0 }
        let result = Self.ip(["-n", namespace, "-s", "link", "show", "\(prefix)i\(index)"])
        // "RX:  bytes packets ..." then the numbers on the next line.
        let lines = result.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let header = lines.firstIndex(where: { $0.hasPrefix("RX:") }), header + 1 < lines.count else { return 0 }
        return Int(lines[header + 1].split(separator: " ").first ?? "") ?? 0
    }

    /// Removes every namespace, link and the bridge this object names (missing ones are fine).
    func remove() {
        for (index, namespace) in namespaces.enumerated() {
            _ = Self.ip(["link", "del", "\(prefix)v\(index)"])
            _ = Self.ip(["netns", "del", namespace])
        }
        _ = Self.ip(["link", "del", bridge])
    }

    private static func must(_ arguments: [String]) throws {
        let result = ip(arguments)
        guard result.status == 0 else {
            throw NamespaceError(description: "ip \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
    }

    static func ip(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

struct NamespaceError: Error, CustomStringConvertible {
    var description: String
}

/// Node processes started inside namespaces (`ip netns exec`), stopped with SIGTERM then SIGKILL.
final class NodeProcesses: @unchecked Sendable {
    private var processes: [(name: String, process: Process, output: Pipe)] = []
    var names: [String] { processes.map(\.name) }

    func start(_ name: String, namespace: String, file: String, log: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace, try ValidateCommandTests.executable().path, "node", "--reset", file]
        let output = Pipe()
        process.standardOutput = output
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        processes.append((name, process, output))
    }

    /// Waits until every node printed its readiness line; throws naming those that did not.
    func awaitReady(timeoutSeconds: Double) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var waiting = Set(processes.map(\.name))
        var seen: [String: String] = [:]
        while !waiting.isEmpty, Date() < deadline {
            for (name, process, output) in processes where waiting.contains(name) {
                let handle = output.fileHandleForReading
                var pollRequest = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
                if poll(&pollRequest, 1, 50) > 0 {
                    let data = handle.availableData
                    seen[name, default: ""] += String(decoding: data, as: UTF8.self)
                    if seen[name]!.contains("vernier-node ready") { waiting.remove(name) }
                }
                if !process.isRunning {
                    throw NamespaceError(description: "node \(name) exited with \(process.terminationStatus) before it was ready")
                }
            }
        }
        guard waiting.isEmpty else {
            throw NamespaceError(description: "nodes not ready within \(timeoutSeconds) s: \(waiting.sorted().joined(separator: ", "))")
        }
    }

    func stopAll() {
        for (_, process, _) in processes where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while processes.contains(where: { $0.process.isRunning }), Date() < deadline { usleep(50_000) }
        for (_, process, _) in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for (_, process, _) in processes { process.waitUntilExit() }
        processes = []
    }
}
