/// The end-of-run check that the measured ledger is whole: the one rule for run.json's
/// `consistent`, the exit code and the terminal's ledger-check line.
public enum LedgerCheck {
    /// Whether `nodes` (of one network) agree: all at the same height on the same head, and every
    /// node that keeps the world state on the same state digest, with at least one such node.
    public static func agree(_ nodes: [NodeReport]) -> Bool {
        let digests = Set(nodes.compactMap(\.stateDigest))
        return !nodes.isEmpty && Set(nodes.map(\.headHash)).count == 1 && Set(nodes.map(\.height)).count == 1
            && digests.count == 1
    }
}
