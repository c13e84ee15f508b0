public import LedgerCore
public import LedgerPrimitives

extension ProofOfWork {
    /// What one bounded slice of nonce search found.
    public enum MiningOutcome: Sendable, Hashable {
        /// A nonce whose header hashes below the target: the sealed header, its hash, and the
        /// hashes computed in this slice (including the winning one).
        case found(header: BlockHeader, hash: Hash256, attempts: UInt64)
        /// No nonce in the slice met the target; the search continues from `nextNonce`.
        case exhausted(nextNonce: UInt64, attempts: UInt64)

        /// Hashes computed in the slice.
        public var attempts: UInt64 {
            switch self {
            case .found(_, _, let attempts), .exhausted(_, let attempts): attempts
            }
        }
    }

    /// Searches nonces `startNonce, startNonce + 1, …` (wrapping) for at most `maxAttempts`
    /// hashes, really computing SHA-256 of the header's canonical encoding each time.
    ///
    /// The header's seal must be `.proofOfWork`; its target is kept and its nonce replaced. The
    /// nonce is the encoding's last eight bytes (big-endian), so each attempt rewrites those bytes
    /// in one buffer instead of re-encoding the header.
    public static func mine(header: BlockHeader, startNonce: UInt64, maxAttempts: UInt64) -> MiningOutcome {
        guard case .proofOfWork(let target, _) = header.seal else {
            preconditionFailure("only a proof-of-work seal can be mined")
        }
        var bytes = header.canonicalBytes
        let nonceOffset = bytes.count - 8
        var attempts: UInt64 = 0
        var nonce = startNonce
        while attempts < maxAttempts {
            attempts += 1
            var shift: UInt64 = 56
            for index in nonceOffset..<bytes.count {
                bytes[index] = UInt8(truncatingIfNeeded: nonce >> shift)
                shift &-= 8
            }
            let hash = Hash256.sha256(bytes)
            if meets(hash, targetLeadingWord: target) {
                var sealed = header
                sealed.seal = .proofOfWork(targetLeadingWord: target, nonce: nonce)
                assert(sealed.hash == hash, "the nonce is the encoding's last eight bytes")
                return .found(header: sealed, hash: hash, attempts: attempts)
            }
            nonce &+= 1
        }
        return .exhausted(nextNonce: nonce, attempts: attempts)
    }
}
