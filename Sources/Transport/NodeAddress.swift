/// The name of a node on a network, such as `orderer0`, `peer0.org1` or `client`.
///
/// Addresses compare by name, so sorted lists of nodes read the same in every run.
public struct NodeAddress: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The node's name, never empty.
    public let name: String

    /// Creates the address of the node called `name`, which must not be empty.
    public init(_ name: String) {
        precondition(!name.isEmpty, "a node address needs a name")
        self.name = name
    }

    /// Creates an address from a literal such as `"peer0.org1"`.
    public init(stringLiteral name: String) {
        self.init(name)
    }

    public var description: String { name }

    public static func < (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        lhs.name < rhs.name
    }
}

extension NodeAddress: Codable {
    /// Decodes an address from its name, refusing an empty one.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard !name.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a node address needs a name"))
        }
        self.init(name)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
