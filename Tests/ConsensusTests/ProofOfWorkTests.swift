@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Consensus

@Suite("Proof of work")
struct ProofOfWorkTests {
    static let rule = ProofOfWork.RetargetRule(targetBlockIntervalMilliseconds: 1_000, initialTarget: UInt64.max / 256,
                                               windowBlocks: 8, maxStepDivisor: 8)

    static func header(height: UInt64 = 1, target: UInt64, timestamp: UInt64 = 5_000, nonce: UInt64 = 0) -> BlockHeader {
        BlockHeader(height: height, previousHash: Hash256.sha256(Array("parent".utf8)), merkleRoot: MerkleTree.root(of: []),
                    timestampMilliseconds: timestamp, transactionCount: 0,
                    seal: .proofOfWork(targetLeadingWord: target, nonce: nonce))
    }

    @Test("work is 2^64 / target, exactly, and a zero target counts as the hardest")
    func workArithmetic() {
        #expect(ProofOfWork.work(targetLeadingWord: 1) == UInt128(1) << 64)
        #expect(ProofOfWork.work(targetLeadingWord: 0) == UInt128(1) << 64)
        #expect(ProofOfWork.work(targetLeadingWord: UInt64.max) == 1)
        #expect(ProofOfWork.work(targetLeadingWord: 1 << 54) == 1_024)
        // Halving the target doubles the work.
        #expect(ProofOfWork.work(targetLeadingWord: 1 << 40) == 2 * ProofOfWork.work(targetLeadingWord: 1 << 41))
    }

    @Test("the initial target gives the measured machine one block per interval")
    func initialTarget() {
        let target = ProofOfWork.initialTarget(hashesPerSecond: 1_000_000, targetIntervalMilliseconds: 2_000)
        // 2 million hashes per block: work within rounding of 2e6.
        let work = ProofOfWork.work(targetLeadingWord: target)
        #expect(work >= 1_999_999 && work <= 2_000_001)
        #expect(ProofOfWork.initialTarget(hashesPerSecond: 0, targetIntervalMilliseconds: 1_000) == ProofOfWork.easiestTarget)
        #expect(ProofOfWork.initialTarget(hashesPerSecond: .infinity, targetIntervalMilliseconds: 1_000) == ProofOfWork.easiestTarget)
        #expect(ProofOfWork.initialTarget(hashesPerSecond: 1e30, targetIntervalMilliseconds: 1_000) == ProofOfWork.hardestTarget)
    }

    @Test("a mined header really hashes below its target; a tampered one does not")
    func minedHeaderHashesBelowTarget() throws {
        let target = UInt64.max / 512
        let outcome = ProofOfWork.mine(header: Self.header(target: target), startNonce: 0, maxAttempts: 100_000)
        guard case .found(let sealed, let hash, let attempts) = outcome else {
            Issue.record("no nonce in 100000 attempts at 1/512 odds")
            return
        }
        #expect(attempts >= 1)
        #expect(hash == Hash256.sha256(sealed.canonicalBytes))
        #expect(hash.leadingWord < target)
        let block = Block(header: sealed, transactions: [])
        try ProofOfWork.verifyProof(of: block, requiredTarget: target)
        // Another timestamp changes the hash; at 1/512 odds it almost surely misses the target.
        var tampered = sealed
        tampered.timestampMilliseconds += 1
        let tamperedBlock = Block(header: tampered, transactions: [])
        if tamperedBlock.hash.leadingWord >= target {
            #expect(throws: ProofOfWork.ProofError.self) { try ProofOfWork.verifyProof(of: tamperedBlock, requiredTarget: target) }
        }
        // Claiming an easier target than the chain requires is refused even with a good hash.
        #expect(throws: ProofOfWork.ProofError.wrongTarget(height: 1, required: target / 2, claimed: target)) {
            try ProofOfWork.verifyProof(of: block, requiredTarget: target / 2)
        }
    }

    @Test("a slice is bounded and resumes where it stopped")
    func slicesAreBoundedAndResume() {
        let impossible = Self.header(target: 1)
        let first = ProofOfWork.mine(header: impossible, startNonce: 10, maxAttempts: 50)
        #expect(first == .exhausted(nextNonce: 60, attempts: 50))
        // Splitting a search in slices finds the same nonce as one search.
        let target = UInt64.max / 300
        let whole = ProofOfWork.mine(header: Self.header(target: target), startNonce: 0, maxAttempts: 1_000_000)
        var next: UInt64 = 0
        var sliced: ProofOfWork.MiningOutcome?
        for _ in 0..<100_000 {
            let outcome = ProofOfWork.mine(header: Self.header(target: target), startNonce: next, maxAttempts: 7)
            if case .exhausted(let resume, _) = outcome { next = resume } else { sliced = outcome; break }
        }
        guard case .found(let wholeHeader, _, _) = whole, case .found(let slicedHeader, _, _)? = sliced else {
            Issue.record("no block found")
            return
        }
        #expect(wholeHeader == slicedHeader)
    }

    /// A chain of headers whose blocks came `intervalMilliseconds` apart, each with `target`.
    static func chain(count: Int, intervalMilliseconds: UInt64, target: UInt64) -> [BlockHeader] {
        (0...count).map { height in
            height == 0
                ? GenesisConfiguration(chainId: "t", regulator: Address(hash: .zero)).genesisBlock.header
                : header(height: UInt64(height), target: target, timestamp: 10_000 + UInt64(height) * intervalMilliseconds)
        }
    }

    @Test("retargeting: faster blocks make it harder, slower easier, on-time keeps it")
    func retargetMovesTowardsTheInterval() {
        let target: UInt64 = 1 << 50
        let fast = Self.rule.requiredTarget(childOf: Self.chain(count: 12, intervalMilliseconds: 500, target: target))
        let slow = Self.rule.requiredTarget(childOf: Self.chain(count: 12, intervalMilliseconds: 2_000, target: target))
        let onTime = Self.rule.requiredTarget(childOf: Self.chain(count: 12, intervalMilliseconds: 1_000, target: target))
        #expect(fast < target)
        #expect(slow > target)
        #expect(onTime == target)
        // One step moves at most parent / maxStepDivisor.
        #expect(fast == target - target / 8)
        #expect(slow == target + target / 8)
        let slightlyFast = Self.rule.requiredTarget(childOf: Self.chain(count: 12, intervalMilliseconds: 950, target: target))
        #expect(slightlyFast == target * 950 / 1_000)
    }

    @Test("the first blocks use the initial target, then the parent's until an interval exists")
    func retargetNearGenesis() {
        let genesisOnly = Self.chain(count: 0, intervalMilliseconds: 1_000, target: 7)
        #expect(Self.rule.requiredTarget(childOf: genesisOnly) == Self.rule.initialTarget)
        let one = Self.chain(count: 1, intervalMilliseconds: 1_000, target: 1 << 40)
        #expect(Self.rule.requiredTarget(childOf: one) == 1 << 40)
        // Genesis' timestamp (0) is never counted as an interval.
        let two = Self.chain(count: 2, intervalMilliseconds: 1_000, target: 1 << 40)
        #expect(Self.rule.requiredTarget(childOf: two) == 1 << 40)
    }

    @Test("simulated mining converges on the target interval from a guess 8 times off")
    func retargetConverges() {
        // A machine of 1000 hashes per second, expected hashes per block 2^64 / target, so a block's
        // interval is work / rate; start 8 times too easy.
        let rate = 1_000.0
        var rule = Self.rule
        rule.initialTarget = ProofOfWork.initialTarget(hashesPerSecond: rate * 8, targetIntervalMilliseconds: 1_000)
        var headers = [Self.chain(count: 0, intervalMilliseconds: 0, target: 0)[0]]
        var time: UInt64 = 10_000
        for height in 1...200 {
            let target = rule.requiredTarget(childOf: headers.suffix(rule.ancestorsNeeded))
            time += UInt64(Double(ProofOfWork.work(targetLeadingWord: target)) / rate * 1_000)
            headers.append(Self.header(height: UInt64(height), target: target, timestamp: time))
        }
        let last = headers.suffix(50)
        let mean = Double(last.last!.timestampMilliseconds - last.first!.timestampMilliseconds) / 49
        #expect(abs(mean - 1_000) < 50, "mean interval \(mean) ms")
    }
}

