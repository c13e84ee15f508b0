public import LedgerCore

extension ProofOfWork {
    /// Why a block's proof of work is not accepted.
    public enum ProofError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The seal is not a proof-of-work seal.
        case notProofOfWork(height: UInt64)
        /// The seal claims another target than the chain requires at this height.
        case wrongTarget(height: UInt64, required: UInt64, claimed: UInt64)
        /// The header's hash does not meet its target.
        case hashAboveTarget(height: UInt64, leadingWord: UInt64, target: UInt64)

        public var description: String {
            switch self {
            case .notProofOfWork(let height):
                "block \(height) is not sealed by proof of work"
            case .wrongTarget(let height, let required, let claimed):
                "block \(height) claims target \(claimed), the chain requires \(required)"
            case .hashAboveTarget(let height, let word, let target):
                "block \(height)'s hash (leading word \(word)) is not below its target \(target)"
            }
        }
    }

    /// Checks a block's proof: its seal's target equals `requiredTarget` (what the retarget rule
    /// gives for its parent chain) and its hash, computed from the header, is below that target.
    public static func verifyProof(of block: Block, requiredTarget: UInt64) throws(ProofError) {
        guard case .proofOfWork(let claimed, _) = block.header.seal else {
            throw .notProofOfWork(height: block.header.height)
        }
        guard claimed == requiredTarget else {
            throw .wrongTarget(height: block.header.height, required: requiredTarget, claimed: claimed)
        }
        guard meets(block.hash, targetLeadingWord: claimed) else {
            throw .hashAboveTarget(height: block.header.height, leadingWord: block.hash.leadingWord, target: claimed)
        }
    }
}
