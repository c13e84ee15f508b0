import ConfigurationReading
/// The consensus protocol of a federation, with the settings in effect.
public enum ConsensusConfiguration: Sendable, Hashable, Encodable {
    /// Raft ordering service, as in Fabric (`consensus: raft`).
    case raft(RaftSettings)
    /// Proof-of-work mining (`consensus: pow`).
    case proofOfWork(ProofOfWorkSettings)
    /// No ledger: one store node applies and persists transactions (`consensus: none`).
    case singleStore

    /// The names accepted for `network.consensus`.
    public static let names = ["raft", "pow", "none"]

    /// The name used in the file: `raft`, `pow` or `none`.
    public var name: String {
        switch self {
        case .raft: "raft"
        case .proofOfWork: "pow"
        case .singleStore: "none"
        }
    }
}
