public import Contracts
public import LedgerCore
public import LedgerPrimitives

/// What became of a block a peer received.
public enum PeerBlockOutcome: Sendable, Hashable {
    /// Validated and applied; the shell stores it, then emits these codes as commit events.
    case committed([ValidationCode])
    /// At or below the peer's height: delivered twice (after a reconnect), nothing to do.
    case alreadyCommitted
    /// Above the next height: blocks are missing; ask the orderer for them from `nextHeight`.
    case gap(nextHeight: UInt64)
    /// Does not extend the chain (wrong parent, bad body): refused.
    case refused(ChainError)
}

/// One transaction's result, as a peer reports it to clients.
public struct CommitEvent: Sendable, Hashable {
    public var transaction: Hash256
    public var code: ValidationCode
    public var height: UInt64

    public init(transaction: Hash256, code: ValidationCode, height: UInt64) {
        self.transaction = transaction
        self.code = code
        self.height = height
    }
}

/// A peer's endorsing identity: its position in the genesis endorser list and its key.
public struct EndorserIdentity: Sendable {
    public var index: UInt16
    public var account: SigningAccount

    public init(index: UInt16, account: SigningAccount) {
        self.index = index
        self.account = account
    }
}

/// A validating peer as a value: it checks each delivered block's transactions (signature, nonce,
/// contract; or, in execute-order-validate, endorsements and read versions) and applies them to
/// its world state; an endorsing peer also simulates proposals. Persistence and events are its
/// shell's job.
public struct PeerCore: Sendable {
    public private(set) var ledger: Ledger
    private var verifier: SignatureVerifier
    /// Set when this peer endorses: the genesis configuration lists its key at its index.
    public let endorser: EndorserIdentity?

    public init(genesis: GenesisConfiguration, endorser: EndorserIdentity? = nil, verifierCapacity: Int = 100_000) {
        ledger = Ledger(genesis: genesis)
        verifier = SignatureVerifier(capacity: verifierCapacity)
        // An identity the genesis does not list at its index could only sign endorsements every
        // committing peer refuses: the peer does not endorse at all.
        if let endorser, let endorsers = genesis.endorsement?.endorsers, Int(endorser.index) < endorsers.count,
           endorsers[Int(endorser.index)].publicKey == endorser.account.publicKey {
            self.endorser = endorser
        } else {
            self.endorser = nil
        }
    }

    /// Simulates a proposal on this peer's state and signs the result (Fabric's endorsement):
    /// the proposal's signature must verify, and the contract must accept the call.
    public mutating func endorse(_ proposal: Transaction, timestampMilliseconds: UInt64) -> EndorsementAnswer {
        guard let endorser, ledger.isExecuteOrderValidate else { return .notAnEndorser }
        guard proposal.execution == nil, verifier.isValid(proposal) else { return .badSignature }
        guard !ledger.hasCommitted(proposal.id) else { return .duplicateTxId }
        switch ledger.simulate(proposal, atMilliseconds: timestampMilliseconds) {
        case .failure(let error):
            return .refused(error)
        case .success(let result):
            let signature = endorser.account.sign(result.responseDigest(for: proposal.id))
            return .endorsed(result, Endorsement(endorserIndex: endorser.index, signature: signature))
        }
    }

    /// The height of the next block this peer needs.
    public var nextHeight: UInt64 { ledger.height + 1 }

    /// Validates and applies `block` if it is the next one.
    ///
    /// - Parameter signatureVerdicts: precomputed checks, or nil to verify here.
    public mutating func receive(_ block: Block, signatureVerdicts: [Bool]? = nil) -> PeerBlockOutcome {
        if block.header.height < nextHeight { return .alreadyCommitted }
        if block.header.height > nextHeight { return .gap(nextHeight: nextHeight) }
        let verdicts = signatureVerdicts ?? block.transactions.map { verifier.isValid($0) }
        do {
            return .committed(try ledger.apply(block, signatureVerdicts: verdicts))
        } catch {
            return .refused(error)
        }
    }

    /// The commit events of a committed block.
    public static func events(of block: Block, codes: [ValidationCode]) -> [CommitEvent] {
        zip(block.transactions, codes).map { CommitEvent(transaction: $0.id, code: $1, height: block.header.height) }
    }

    /// Answers a read-only call from this peer's state, without ordering it.
    public func query(_ call: ContractCall, sender: Address, atMilliseconds now: UInt64) -> Result<ContractOutput, ContractError> {
        ledger.evaluate(call, sender: sender, atMilliseconds: now)
    }
}
