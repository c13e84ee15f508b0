import Crypto
import Contracts
public import LedgerPrimitives

/// Execute-order-validate's rules as a ledger applies them: the policy, and each endorser's
/// organisation and decoded key (decoded once, not per signature).
struct EndorsementRules: Sendable {
    let policy: EndorsementPolicy
    let organizations: [String]
    let keys: [P256.Signing.PublicKey?]

    init(_ configuration: EndorsementConfiguration) {
        policy = configuration.policy
        organizations = configuration.endorsers.map(\.organization)
        keys = configuration.endorsers.map { try? P256.Signing.PublicKey(compressedRepresentation: $0.publicKey) }
    }

    /// The organisations of the distinct endorsers whose signatures of `digest` verify.
    func validEndorsingOrganizations(_ endorsements: [Endorsement], digest: Hash256) -> [String] {
        var seen: Set<UInt16> = []
        var organizations: [String] = []
        for endorsement in endorsements {
            let index = Int(endorsement.endorserIndex)
            guard index < keys.count, let key = keys[index], seen.insert(endorsement.endorserIndex).inserted,
                  let signature = try? P256.Signing.ECDSASignature(rawRepresentation: endorsement.signature),
                  key.isValidSignature(signature, for: digest.bytes)
            else { continue }
            organizations.append(self.organizations[index])
        }
        return organizations
    }
}

extension Ledger {
    /// Validates an ordered block of endorsed transactions as a Fabric committing peer does, in
    /// order: the client's envelope signature, a duplicate id, the endorsement policy, then every
    /// read's version against the state as this block's earlier valid transactions left it. Invalid
    /// transactions keep their code in the block and change nothing; a valid one writes its write
    /// set, each key versioned by its position, and moves its sender's nonce record on.
    mutating func applyEndorsed(_ block: Block, rules: EndorsementRules, signatureVerdicts: [Bool]?) -> [ValidationCode] {
        var blockWrites: [StateKey: [UInt8]?] = [:]
        var writers: [StateKey: UInt32] = [:]
        var codes: [ValidationCode] = []
        codes.reserveCapacity(block.transactions.count)
        for (position, transaction) in block.transactions.enumerated() {
            let index = UInt32(position)
            guard signatureVerdicts?[position] ?? transaction.hasValidSignature else {
                codes.append(.badSignature)
                continue
            }
            guard committedIds.insert(transaction.id).inserted else {
                codes.append(.duplicateTxId)
                continue
            }
            guard let execution = transaction.execution else {
                codes.append(.endorsementPolicyFailure)
                continue
            }
            let digest = execution.result.responseDigest(for: transaction.id)
            let endorsers = rules.validEndorsingOrganizations(execution.endorsements, digest: digest)
            guard rules.policy.isSatisfied(byOrganizations: endorsers) else {
                codes.append(.endorsementPolicyFailure)
                continue
            }
            let isCurrent = execution.result.readWriteSet.reads.allSatisfy { read in
                let current: StateVersion?
                if let written = blockWrites[read.key] {
                    current = written == nil ? nil : StateVersion(height: block.header.height, transactionIndex: writers[read.key] ?? 0)
                } else {
                    current = state.version(of: read.key)
                }
                return current == read.version
            }
            guard isCurrent else {
                codes.append(.mvccReadConflict)
                continue
            }
            for write in execution.result.readWriteSet.writes {
                blockWrites[write.key] = .some(write.value)
                writers[write.key] = index
            }
            let nonceKey = Self.nonceKey(transaction.sender)
            let recorded = blockWrites[nonceKey].flatMap { $0 }.flatMap { try? UInt64(canonicalBytes: $0) }
                ?? nextNonce(of: transaction.sender)
            if transaction.nonce >= recorded {
                blockWrites[nonceKey] = .some((transaction.nonce + 1).canonicalBytes)
                writers[nonceKey] = index
            }
            codes.append(.valid)
        }
        state.commit(writes: blockWrites, height: block.header.height, writers: writers)
        head = block.header
        headHash = block.hash
        return codes
    }
}

extension Ledger {
    /// True when a transaction with this id is on the chain (execute-order-validate keeps ids).
    public func hasCommitted(_ id: Hash256) -> Bool { committedIds.contains(id) }
}
