extension Raft {
    /// The identity of one Raft participant, a small number unique within a cluster.
    public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible,
        ExpressibleByIntegerLiteral
    {
        /// The raw number that names the node.
        public var rawValue: UInt64

        /// Creates an identifier from its raw number.
        public init(_ rawValue: UInt64) {
            self.rawValue = rawValue
        }

        /// Creates an identifier from an integer literal, so tests can write `1` for node 1.
        public init(integerLiteral value: UInt64) {
            self.rawValue = value
        }

        public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
            lhs.rawValue < rhs.rawValue
        }

        public var description: String { "n\(rawValue)" }
    }
}
