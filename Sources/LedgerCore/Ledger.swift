public import Contracts
public import LedgerPrimitives

/// The federation-wide settings fixed at genesis.
public struct GenesisConfiguration: Sendable, Hashable, CanonicalCodable, Codable {
    public var chainId: String
    /// The account that registers doctors and pharmacies.
    public var regulator: Address
    /// Execute-order-validate's policy and endorsers; nil for order-execute, where every peer
    /// executes every ordered call.
    public var endorsement: EndorsementConfiguration?

    public init(chainId: String, regulator: Address, endorsement: EndorsementConfiguration? = nil) {
        self.chainId = chainId
        self.regulator = regulator
        self.endorsement = endorsement
    }

    /// Block 0: no transactions; its seal commits to this configuration.
    public var genesisBlock: Block {
        Block(height: 0, previousHash: .zero, timestampMilliseconds: 0,
              seal: .genesis(configurationDigest: Hash256.sha256(canonicalBytes)), transactions: [])
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(chainId)
        writer.write(regulator)
        writer.write(endorsement != nil)
        if let endorsement { writer.write(endorsement) }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        chainId = try reader.readString("genesis.chainId")
        regulator = try reader.read()
        endorsement = try reader.readBool("genesis.hasEndorsement") ? try reader.read() : nil
    }
}

/// A chain's head and world state; applying a block validates every transaction in it.
///
/// Pure and deterministic: the same genesis and blocks give the same codes, head and digest on
/// every peer. Signature checks may be done beforehand (in parallel) and passed in.
public struct Ledger: Sendable {
    public let genesis: GenesisConfiguration
    public internal(set) var state: WorldState
    public internal(set) var head: BlockHeader
    public internal(set) var headHash: Hash256
    /// Execute-order-validate's rules, from the genesis configuration; nil for order-execute.
    let endorsementRules: EndorsementRules?
    /// Every transaction id on the chain, in execute-order-validate (Fabric's duplicate check).
    var committedIds: Set<Hash256> = []

    public init(genesis: GenesisConfiguration) {
        self.genesis = genesis
        let block = genesis.genesisBlock
        head = block.header
        headHash = block.hash
        state = WorldState(genesisHash: block.hash)
        endorsementRules = genesis.endorsement.map(EndorsementRules.init)
        let (key, value) = ClinicalContract.regulatorEntry(genesis.regulator)
        state.commit(writes: [key: value], height: 0)
    }

    /// The height of the last applied block (0 = genesis only).
    public var height: UInt64 { head.height }

    /// True when transactions are endorsed before ordering and validated by read versions.
    public var isExecuteOrderValidate: Bool { endorsementRules != nil }

    /// The nonce the next transaction of `address` must carry.
    public func nextNonce(of address: Address) -> UInt64 {
        guard let bytes = state.value(for: Self.nonceKey(address)) else { return 0 }
        return (try? UInt64(canonicalBytes: bytes)) ?? 0
    }

    /// Validates and applies a block that extends the head. A block that does not link, or whose
    /// body does not match its header, changes nothing and throws; otherwise every transaction
    /// gets a validation code and the valid ones' writes are applied.
    ///
    /// - Parameter signatureVerdicts: precomputed `hasValidSignature` per transaction, or nil to
    ///   check here.
    @discardableResult
    public mutating func apply(_ block: Block, signatureVerdicts: [Bool]? = nil) throws(ChainError) -> [ValidationCode] {
        try block.verifyLink(to: head, previousHash: headHash)
        precondition(signatureVerdicts == nil || signatureVerdicts!.count == block.transactions.count,
                     "one signature verdict per transaction")
        if let endorsementRules {
            return applyEndorsed(block, rules: endorsementRules, signatureVerdicts: signatureVerdicts)
        }
        var blockWrites: [StateKey: [UInt8]?] = [:]
        var nonces: [Address: UInt64] = [:]
        var codes: [ValidationCode] = []
        codes.reserveCapacity(block.transactions.count)
        for (index, transaction) in block.transactions.enumerated() {
            let signatureOK = signatureVerdicts?[index] ?? transaction.hasValidSignature
            guard signatureOK else {
                codes.append(.badSignature)
                continue
            }
            let expected = nonces[transaction.sender] ?? nextNonce(of: transaction.sender)
            if transaction.nonce < expected {
                codes.append(.staleNonce(expected: expected))
                continue
            }
            if transaction.nonce > expected {
                codes.append(.futureNonce(expected: expected))
                continue
            }
            nonces[transaction.sender] = expected + 1
            blockWrites[Self.nonceKey(transaction.sender)] = .some((expected + 1).canonicalBytes)
            let context = ExecutionContext(sender: transaction.sender, transactionId: transaction.id,
                                           nowMilliseconds: block.header.timestampMilliseconds,
                                           height: block.header.height)
            // The view must be gone before blockWrites changes, or every merge copies the block's writes.
            let outcome = Self.run(transaction.call, in: context, base: state, blockWrites: blockWrites)
            switch outcome {
            case .success(let writes):
                for (key, value) in writes { blockWrites[key] = value }
                codes.append(.valid)
            case .failure(let error):
                codes.append(.contractError(error))
            }
        }
        state.commit(writes: blockWrites, height: block.header.height)
        head = block.header
        headHash = block.hash
        return codes
    }

    /// Evaluates a read-only call on the current state without ordering it (a peer's query).
    public func evaluate(
        _ call: ContractCall, sender: Address, atMilliseconds now: UInt64
    ) -> Result<ContractOutput, ContractError> {
        guard call.isReadOnly else { return .failure(.notReadOnly) }
        let context = ExecutionContext(sender: sender, transactionId: .zero, nowMilliseconds: now, height: height)
        var view = StateView(base: state, blockWrites: [:])
        do {
            return .success(try call.execute(in: context, state: &view))
        } catch {
            return .failure(error)
        }
    }

    /// Executes a call on a fresh view; returns its writes, or the refusal.
    private static func run(
        _ call: ContractCall, in context: ExecutionContext, base: WorldState, blockWrites: [StateKey: [UInt8]?]
    ) -> Result<[StateKey: [UInt8]?], ContractError> {
        var view = StateView(base: base, blockWrites: blockWrites)
        do {
            _ = try call.execute(in: context, state: &view)
            return .success(view.writes)
        } catch {
            return .failure(error)
        }
    }

    /// Simulates a proposal on the current state without changing it (an endorser's work): the
    /// versions of the keys it read and the values it would write, at the proposal's time.
    public func simulate(_ proposal: Transaction, atMilliseconds timestamp: UInt64) -> Result<SimulationResult, ContractError> {
        let context = ExecutionContext(sender: proposal.sender, transactionId: proposal.id,
                                       nowMilliseconds: timestamp, height: height + 1)
        let recorder = ReadRecorder()
        var view = StateView(base: state, blockWrites: [:], recorder: recorder)
        let output: ContractOutput
        do {
            output = try proposal.call.execute(in: context, state: &view)
        } catch {
            return .failure(error)
        }
        let readWriteSet = ReadWriteSet(
            reads: recorder.reads.map { KeyRead(key: $0.key, version: $0.value) },
            writes: view.writes.map { KeyWrite(key: $0.key, value: $0.value) })
        return .success(SimulationResult(timestampMilliseconds: timestamp, readWriteSet: readWriteSet, output: output))
    }

    static func nonceKey(_ address: Address) -> StateKey { StateKey(.nonce, address.hash.bytes) }
}
