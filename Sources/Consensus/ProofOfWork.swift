public import LedgerCore
public import LedgerPrimitives

/// Proof-of-work rules as pure functions: targets, work, mining slices, retargeting and proofs.
///
/// A block's header hash must be below its target. Targets compare with the hash's leading 64 bits
/// (`Hash256.leadingWord`): a header with target `t` is valid when `hash.leadingWord < t`, which a
/// uniformly random hash satisfies with probability `t / 2^64`. The seal carries the target so a
/// block states how hard it claims to be; `verifyProof` checks that claim against the chain.
public enum ProofOfWork {
    /// The easiest target there is: every hash but those starting with 64 one bits passes.
    public static let easiestTarget: UInt64 = .max

    /// The hardest usable target: only hashes whose leading word is zero pass.
    public static let hardestTarget: UInt64 = 1

    /// The expected number of hashes to find a header below `targetLeadingWord`: ⌊2^64 / target⌋.
    ///
    /// Exact in `UInt128`, so sums over a chain (cumulative work) never round; a target of 0 (which
    /// no hash meets) counts as the hardest target.
    public static func work(targetLeadingWord: UInt64) -> UInt128 {
        (UInt128(1) << 64) / UInt128(max(targetLeadingWord, hardestTarget))
    }

    /// True when `hash` meets `targetLeadingWord`.
    public static func meets(_ hash: Hash256, targetLeadingWord: UInt64) -> Bool {
        hash.leadingWord < targetLeadingWord
    }

    /// The target at which a machine hashing `hashesPerSecond` finds a block every
    /// `targetIntervalMilliseconds` on average: 2^64 / (expected hashes per block), clamped to the
    /// usable range. Used for the first blocks, before there are intervals to retarget from.
    public static func initialTarget(hashesPerSecond: Double, targetIntervalMilliseconds: UInt64) -> UInt64 {
        let hashesPerBlock = hashesPerSecond * Double(targetIntervalMilliseconds) / 1_000
        guard hashesPerBlock.isFinite, hashesPerBlock > 1 else { return easiestTarget }
        let target = 18_446_744_073_709_551_616.0 / hashesPerBlock
        guard target < 18_446_744_073_709_551_615.0 else { return easiestTarget }
        return max(hardestTarget, UInt64(target))
    }

    /// The target a seal claims, or nil when the header is not sealed by proof of work.
    public static func claimedTarget(of header: BlockHeader) -> UInt64? {
        guard case .proofOfWork(let target, _) = header.seal else { return nil }
        return target
    }
}
