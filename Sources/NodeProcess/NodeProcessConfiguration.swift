import Crypto
public import LedgerCore
public import LedgerPrimitives
public import Node
public import NetworkTransport
public import Transport
public import Foundation
import Consensus

/// Everything `vernier node` needs to run one node: written by the driver as JSON, one file per node.
///
/// It holds the node's private key, so the driver writes it readable by its owner only.
public struct NodeProcessConfiguration: Codable, Sendable {
    /// The format this build reads and writes.
    public static let currentFormatVersion = 1
    /// The line prefix a node prints on standard output once it listens and has opened its stores.
    public static let readinessPrefix = "vernier-node ready"

    /// One member of the federation as the transport knows it: its key, and where it listens.
    public struct Member: Codable, Sendable, Hashable {
        public var name: NodeAddress
        /// The compressed P-256 public key, hexadecimal.
        public var publicKey: String
        /// Nil for a member that only dials (the driver's client).
        public var host: String?
        public var port: Int?

        public init(name: NodeAddress, publicKey: String, host: String?, port: Int?) {
            self.name = name
            self.publicKey = publicKey
            self.host = host
            self.port = port
        }
    }

    public var formatVersion: Int
    /// The node this process runs.
    public var node: NodeAddress
    /// The whole federation's plan, as the driver resolved it from the benchmark file; its
    /// `directory` holds every node's data directory (`<directory>/<node>`).
    public var plan: FederationPlan
    /// The node's P-256 private key (raw scalar), hexadecimal.
    public var privateKey: String
    public var listenHost: String
    public var listenPort: Int
    /// Every member: the nodes and the driver's client.
    public var members: [Member]
    /// The member whose control requests (pausing miners) the node obeys.
    public var driver: NodeAddress
    /// The driver's process id when the driver started the node as its child: the node exits if its
    /// parent is another process (the driver died before the node could ask for its parent-death
    /// signal). Nil for a node that something else started (`deployment: hosts`).
    public var parentProcessId: Int32?

    public init(node: NodeAddress, plan: FederationPlan, identity: SigningAccount, listenHost: String, listenPort: Int,
                members: [Member], driver: NodeAddress, parentProcessId: Int32?) {
        formatVersion = Self.currentFormatVersion
        self.node = node
        self.plan = plan
        privateKey = Self.hex(Array(identity.privateKey.rawRepresentation))
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.members = members
        self.driver = driver
        self.parentProcessId = parentProcessId
    }

    /// The node's signing identity, from its private key.
    public func identity() throws -> SigningAccount {
        guard let bytes = Self.bytes(fromHex: privateKey),
              let key = try? P256.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw NodeConfigurationError(description: "privateKey is not a P-256 private key in hexadecimal")
        }
        return SigningAccount(privateKey: key)
    }

    /// Checks what the node relies on: the format, its own membership and key, the listen port and
    /// every member's key.
    public func validate() throws {
        guard formatVersion == Self.currentFormatVersion else {
            throw NodeConfigurationError(description: "formatVersion \(formatVersion): this build reads \(Self.currentFormatVersion)")
        }
        guard plan.nodeAddresses.contains(node) else {
            throw NodeConfigurationError(description: "node \(node) is not in the plan (its nodes: \(plan.nodeAddresses.map(\.name).joined(separator: ", ")))")
        }
        guard (1...65_535).contains(listenPort) else {
            throw NodeConfigurationError(description: "listenPort \(listenPort) is not a port")
        }
        let identity = try identity()
        guard let own = members.first(where: { $0.name == node }) else {
            throw NodeConfigurationError(description: "members does not list node \(node)")
        }
        guard own.publicKey == Self.hex(identity.publicKey) else {
            throw NodeConfigurationError(description: "members[\(node)].publicKey does not match privateKey")
        }
        for (index, member) in members.enumerated() {
            guard let key = Self.bytes(fromHex: member.publicKey), key.count == SigningAccount.publicKeyLength,
                  (try? P256.Signing.PublicKey(compressedRepresentation: key)) != nil else {
                throw NodeConfigurationError(description: "members[\(index)] (\(member.name)).publicKey is not a compressed P-256 key")
            }
            if let port = member.port, !(1...65_535).contains(port) {
                throw NodeConfigurationError(description: "members[\(index)] (\(member.name)).port \(port) is not a port")
            }
        }
        guard members.contains(where: { $0.name == driver }) else {
            throw NodeConfigurationError(description: "driver \(driver) is not among the members")
        }
    }

    /// Reads and validates a configuration file; errors name the file and what is wrong.
    public static func load(path: String) throws -> NodeProcessConfiguration {
        try loadWithDigest(path: path).configuration
    }

    /// Reads and validates a configuration file, with the SHA-256 of its bytes (the digest a node
    /// reports, so that a driver knows which file it was started from).
    public static func loadWithDigest(path: String) throws -> (configuration: NodeProcessConfiguration, digest: Hash256) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeConfigurationError(description: "\(path): cannot read the file")
        }
        return (try read(data, fileName: path), Hash256.sha256(Array(data)))
    }

    /// Decodes and validates a configuration file's bytes; errors start with `fileName` and say what is wrong.
    public static func read(_ data: Data, fileName: String) throws -> NodeProcessConfiguration {
        let configuration: NodeProcessConfiguration
        do {
            configuration = try JSONDecoder().decode(NodeProcessConfiguration.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw NodeConfigurationError(description: "\(fileName): missing \(Self.path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            throw NodeConfigurationError(description: "\(fileName): \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw NodeConfigurationError(description: "\(fileName): \(error)")
        }
        do {
            try configuration.validate()
        } catch let error as NodeConfigurationError {
            throw NodeConfigurationError(description: "\(fileName): \(error.description)")
        }
        return configuration
    }

    /// The configuration as the JSON a file holds.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the configuration as JSON, readable by its owner only (it holds a private key).
    public func write(to path: String) throws {
        let data = try encoded()
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw NodeConfigurationError(description: "cannot write \(path)")
        }
    }

    /// A key's bytes as hexadecimal, as the file writes them.
    public static func hex(_ bytes: [UInt8]) -> String { Hexadecimal.text(bytes) }

    static func bytes(fromHex text: String) -> [UInt8]? { Hexadecimal.bytes(text) }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().trimmingCharacters(in: ["."])
    }
}

/// A node configuration file that cannot be used, with the reason.
struct NodeConfigurationError: Error, CustomStringConvertible {
    public var description: String
}

extension NodeProcessConfiguration {
    /// The transport's view of the members: keys and listen addresses.
    public static func transportDirectory(_ members: [Member]) -> [NodeAddress: TCPMember] {
        Dictionary(uniqueKeysWithValues: members.map { member in
            let listen = member.host.flatMap { host in member.port.map { TCPListenAddress(host: host, port: $0) } }
            return (member.name, TCPMember(publicKey: bytes(fromHex: member.publicKey) ?? [], listen: listen))
        })
    }
}
