public import NetworkSpec
public import BenchmarkSpec
public import Foundation
public import LedgerPrimitives
public import Node
public import NodeProcess
import Transport
import Crypto

/// The files that start a `deployment: hosts` federation: one configuration per node, and the
/// driver's file that says what it must find when it connects.
///
/// `vernier deploy files` writes them; something else (Kubernetes, systemd, an operator) starts
/// `vernier node <file>` on each host; `vernier run --deployment DIR` reads the driver's file.
/// Every key is new and random: the files are secrets, readable by their owner only.
public struct HostDeployment: Sendable {
    /// One node's configuration file, as written.
    public struct NodeFile: Sendable {
        public var location: NodeLocation
        /// The JSON the node reads; its SHA-256 is the digest the node reports.
        public var contents: Data
        /// The file's name in the deployment directory.
        public var fileName: String { location.node + ".node.json" }
    }

    /// The nodes' files, in start order.
    public var nodeFiles: [NodeFile]
    /// What the driver needs to use the nodes.
    public var driver: DriverDeploymentFile

    /// The driver's file's name in a deployment directory.
    public static let driverFileName = "driver.json"

    /// Builds the files for `plan`'s nodes at `locations`. Nodes keep their data under
    /// `dataDirectory/<node>` on their host and listen on every interface of it.
    public static func make(plan: FederationPlan, locations: [NodeLocation], networkDigest: Hash256) throws -> HostDeployment {
        let addresses = plan.nodeAddresses
        guard addresses.map(\.name) == locations.map(\.node) else {
            throw HostDeploymentError(description: "the placement names \(locations.map(\.node)), the federation has \(addresses.map(\.name))")
        }
        let identities = addresses.map { _ in SigningAccount(privateKey: P256.Signing.PrivateKey()) }
        let driverIdentity = SigningAccount(privateKey: P256.Signing.PrivateKey())
        let driverAddress = NodeAddress(DriverDeploymentFile.driverName)
        var members = zip(zip(addresses, identities), locations).map { pair, location in
            NodeProcessConfiguration.Member(name: pair.0, publicKey: NodeProcessConfiguration.hex(pair.1.publicKey),
                                            host: location.address, port: location.port)
        }
        members.append(NodeProcessConfiguration.Member(name: driverAddress, publicKey: NodeProcessConfiguration.hex(driverIdentity.publicKey),
                                                       host: nil, port: nil))
        var files: [NodeFile] = []
        var expected: [DriverDeploymentFile.ExpectedNode] = []
        for (index, address) in addresses.enumerated() {
            let configuration = NodeProcessConfiguration(
                node: address, plan: plan, identity: identities[index], listenHost: "0.0.0.0",
                listenPort: locations[index].port, members: members, driver: driverAddress, parentProcessId: nil)
            let contents = try configuration.encoded()
            files.append(NodeFile(location: locations[index], contents: contents))
            expected.append(DriverDeploymentFile.ExpectedNode(
                location: locations[index], configurationDigest: Hash256.sha256(Array(contents)).hex))
        }
        let driver = DriverDeploymentFile(
            formatVersion: DriverDeploymentFile.currentFormatVersion, networkDigest: networkDigest.hex, plan: plan,
            privateKey: NodeProcessConfiguration.hex(Array(driverIdentity.privateKey.rawRepresentation)),
            members: members, nodes: expected)
        return HostDeployment(nodeFiles: files, driver: driver)
    }

    /// Writes every file into `directory` (created if needed), each readable by its owner only.
    /// Refuses a directory that already holds a deployment, so that no running node's keys are lost.
    public func write(to directory: String) throws {
        let manager = FileManager.default
        let driverPath = directory + "/" + Self.driverFileName
        guard !manager.fileExists(atPath: driverPath) else {
            throw HostDeploymentError(description: "\(driverPath) exists: a deployment is already there; choose another --out or remove it")
        }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in nodeFiles {
            try Self.writeSecret(file.contents, to: directory + "/" + file.fileName)
        }
        try Self.writeSecret(try driver.encoded(), to: driverPath)
    }

    static func writeSecret(_ data: Data, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw HostDeploymentError(description: "cannot write \(path)")
        }
    }
}

/// What the driver reads from a deployment directory: its own key, every member, and where each
/// node listens with the digest of the configuration it must have been started from.
public struct DriverDeploymentFile: Codable, Sendable {
    /// One node the driver expects.
    public struct ExpectedNode: Codable, Sendable, Hashable {
        public var location: NodeLocation
        /// SHA-256 of the node's configuration file, hexadecimal.
        public var configurationDigest: String
    }

    /// The format this build reads and writes.
    public static let currentFormatVersion = 1
    /// The driver's name among the members.
    public static let driverName = "client0"

    public var formatVersion: Int
    /// SHA-256 of the benchmark file's federation (``NetworkConfiguration/deploymentDigest``): a run
    /// of another federation is refused.
    public var networkDigest: String
    /// The federation the nodes were configured with.
    public var plan: FederationPlan
    /// The driver's P-256 private key (raw scalar), hexadecimal.
    public var privateKey: String
    /// Every member, the driver last.
    public var members: [NodeProcessConfiguration.Member]
    /// The nodes, in start order.
    public var nodes: [ExpectedNode]

    /// The driver's signing identity.
    public func identity() throws -> SigningAccount {
        guard let bytes = Hexadecimal.bytes(privateKey), let key = try? P256.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw HostDeploymentError(description: "privateKey is not a P-256 private key in hexadecimal")
        }
        return SigningAccount(privateKey: key)
    }

    /// The file as JSON.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads `directory`'s driver file; errors name the file and what is wrong.
    public static func load(directory: String) throws -> DriverDeploymentFile {
        let path = directory + "/" + HostDeployment.driverFileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HostDeploymentError(description: "\(path): cannot read the file (write it with `vernier deploy files`)")
        }
        let file: DriverDeploymentFile
        do {
            file = try JSONDecoder().decode(DriverDeploymentFile.self, from: data)
        } catch {
            throw HostDeploymentError(description: "\(path): not a driver deployment file: \(error)")
        }
        guard file.formatVersion == currentFormatVersion else {
            throw HostDeploymentError(description: "\(path): formatVersion \(file.formatVersion): this build reads \(currentFormatVersion)")
        }
        guard file.nodes.map(\.location.node) == file.plan.nodeAddresses.map(\.name) else {
            throw HostDeploymentError(description: "\(path): its nodes do not match its plan's")
        }
        _ = try file.identity()
        return file
    }
}

extension NetworkConfiguration {
    /// SHA-256 of this federation as the benchmark file gives it (sorted JSON), without the hosts'
    /// addresses and ports: what a deployment was made for. Where the nodes listen is pinned by each
    /// node's own file digest instead, so that a deployment may place them (Kubernetes names them).
    public var deploymentDigest: Hash256 {
        var federation = self
        if var hosts = federation.hosts {
            hosts.hosts = hosts.hosts.map { Host(name: $0.name, address: "", firstPort: 0) }
            federation.hosts = hosts
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Hash256.sha256(Array((try? encoder.encode(federation)) ?? Data()))
    }
}

/// Why a deployment's files cannot be made, written or read.
public struct HostDeploymentError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}
