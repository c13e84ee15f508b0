import ConfigurationReading
/// One organisation of the federation, with its peers.
public struct Organization: Sendable, Hashable, Encodable {
    /// The organisation's name, `[a-z0-9-]+`, unique in the federation.
    public var name: String
    /// The number of peers it runs, 1 to 64.
    public var peers: Int

    /// Creates an organisation.
    public init(name: String, peers: Int) {
        self.name = name
        self.peers = peers
    }
}
