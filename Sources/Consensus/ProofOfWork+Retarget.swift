public import LedgerCore

extension ProofOfWork {
    /// How difficulty follows the block interval: every block's target is derived from its
    /// parent chain's timestamps and targets alone, so every node computes the same value.
    ///
    /// The rule, for a block whose parent is at height `p`:
    /// - `p == 0` (the first mined block): `initialTarget`.
    /// - otherwise take the last `k = min(windowBlocks, p - 1)` intervals between mined ancestors
    ///   (genesis' timestamp is not a mining time, so it is never used); with `k == 0` the parent's
    ///   target is kept. Let `span` be the time between the window's first and last block (at
    ///   least 1 ms), `expected = k × targetBlockIntervalMilliseconds` and `mean` the mean target
    ///   of the window's last `k` blocks. The proposal is `mean × span / expected` (blocks came
    ///   faster than intended: a smaller target, harder; slower: a larger one, easier), computed
    ///   exactly in `UInt128`.
    /// - the proposal is clamped to the parent's target ± parent / `maxStepDivisor` (like
    ///   Ethereum's bounded per-block step), then to `[hardestTarget, easiestTarget]`.
    ///
    /// Averaging targets over the window (rather than scaling the parent's) keeps the rule from
    /// over-correcting while a window still holds the intervals that caused the last step.
    public struct RetargetRule: Sendable, Hashable, Codable {
        public var targetBlockIntervalMilliseconds: UInt64
        /// The first mined block's target; see `initialTarget(hashesPerSecond:targetIntervalMilliseconds:)`.
        public var initialTarget: UInt64
        /// Intervals averaged; at least 1.
        public var windowBlocks: Int
        /// A block's target differs from its parent's by at most parent / this; at least 2.
        public var maxStepDivisor: UInt64

        public init(targetBlockIntervalMilliseconds: UInt64, initialTarget: UInt64,
                    windowBlocks: Int = 16, maxStepDivisor: UInt64 = 8) {
            precondition(targetBlockIntervalMilliseconds >= 1, "the target interval must be positive")
            precondition(windowBlocks >= 1 && maxStepDivisor >= 2, "the retarget window and step need room")
            self.targetBlockIntervalMilliseconds = targetBlockIntervalMilliseconds
            self.initialTarget = max(hardestTarget, initialTarget)
            self.windowBlocks = windowBlocks
            self.maxStepDivisor = maxStepDivisor
        }

        /// How many headers, ending at the parent, `requiredTarget(childOf:)` needs.
        public var ancestorsNeeded: Int { windowBlocks + 1 }

        /// The target a child of the last header in `ancestors` must carry.
        ///
        /// - Parameter ancestors: consecutive headers, oldest first, ending at the parent; the last
        ///   `ancestorsNeeded` are used (fewer only near genesis).
        public func requiredTarget(childOf ancestors: some BidirectionalCollection<BlockHeader>) -> UInt64 {
            guard let parent = ancestors.last else { preconditionFailure("a child needs its parent") }
            guard parent.height > 0 else { return initialTarget }
            let parentTarget = ProofOfWork.claimedTarget(of: parent) ?? initialTarget
            let mined = Array(ancestors.suffix(ancestorsNeeded).drop { $0.height == 0 })
            guard mined.count >= 2 else { return parentTarget }
            let intervals = mined.count - 1
            let first = mined[mined.startIndex], last = mined[mined.endIndex - 1]
            precondition(last.height - first.height == UInt64(intervals), "ancestors must be consecutive")
            let span = UInt128(max(1, last.timestampMilliseconds &- first.timestampMilliseconds))
            let expected = UInt128(intervals) * UInt128(targetBlockIntervalMilliseconds)
            var targetSum: UInt128 = 0
            for header in mined.dropFirst() { targetSum += UInt128(ProofOfWork.claimedTarget(of: header) ?? initialTarget) }
            let meanTarget = targetSum / UInt128(intervals)
            let proposal = meanTarget * span / expected
            let step = UInt128(parentTarget / maxStepDivisor)
            let lower = UInt128(parentTarget) - step
            let upper = UInt128(parentTarget) + step
            let clamped = min(max(proposal, lower), upper)
            return UInt64(min(max(clamped, UInt128(hardestTarget)), UInt128(easiestTarget)))
        }
    }
}
