import Contracts
import LedgerCore
import LedgerPrimitives
import NodeCore

/// Execute-order-validate in the federation simulation: clients that have proposals endorsed over
/// the simulated network, sign envelopes and submit them; and the checks of the final chain that
/// do not trust `Ledger.applyEndorsed`.
extension Simulator {
    /// Why a client gave up on a proposal before submitting it.
    enum EndorsementFailure: Error {
        /// An endorser refused (the contract, a duplicate id, a bad signature, not an endorser).
        case refused
        /// Two endorsers simulated different results (different heights, usually).
        case mismatch
    }

    // MARK: - Options

    /// Fails unless every organisation the policy needs has enough peers to ask.
    func checkEndorsementOptions() throws {
        guard options.organizations >= 1, options.organizations <= options.peers else {
            throw fail("valid options", "\(options.organizations) organisations for \(options.peers) peers")
        }
        guard options.peers <= EndorsementConfiguration.maximumEndorsers else {
            throw fail("valid options", "more than \(EndorsementConfiguration.maximumEndorsers) endorsing peers")
        }
        guard !targetOrganizations.isEmpty, targetOrganizations.count <= EndorsedExecution.maximumEndorsements else {
            throw fail("valid options", "policy \(options.effectivePolicy) needs \(targetOrganizations.count) endorsements")
        }
        for organization in Set(targetOrganizations) {
            let needed = targetOrganizations.count { $0 == organization }
            let available = (0..<options.peers).count { options.organization(ofPeer: $0) == organization }
            guard needed <= available else {
                throw fail("valid options", "policy \(options.effectivePolicy) needs \(needed) peers of \(organization), which has \(available)")
            }
        }
    }

    // MARK: - Clients

    /// One tick of an execute-order-validate client: give up on late endorsements, resend (or give
    /// up on) an envelope whose commit event is late, or now and then propose its next transaction.
    func driveEndorsingClient(_ index: Int) {
        var client = clients[index]
        defer { clients[index] = client }
        if let endorsing = client.endorsing {
            guard now - endorsing.startedMilliseconds >= options.endorsementTimeoutMilliseconds else { return }
            // An answer is missing: give up on this proposal; the next one has a new nonce.
            endorsementTimeoutCount += 1
            client.endorsing = nil
            client.nonce += 1
        }
        if let inFlight = client.inFlight, let envelope = client.envelope {
            guard now - inFlight.sentMilliseconds >= options.clientTimeoutMilliseconds else { return }
            if client.resends < options.envelopeResends {
                // The same envelope again: if the first was ordered, this one is a duplicate id.
                client.resends += 1
                envelopeResendCount += 1
                client.inFlight = (inFlight.id, now)
                send(.submit(envelope), from: .client, to: .orderer(Int.random(in: 0..<options.orderers, using: &random)))
                return
            }
            client.inFlight = nil
            client.envelope = nil
            client.nonce += 1
        }
        guard faultsActive || client.committedAfterHeal == 0 else { return }
        guard client.nonce < options.clientNonceLimit else { return }
        guard Int.random(in: 0..<4, using: &random) == 0 else { return }
        let proposal = pool.transactions[index][Int(client.nonce)]
        var pending = PendingEndorsement(proposal: proposal, requestIds: [], startedMilliseconds: now)
        for peer in chooseEndorsers() {
            let requestId = nextRequestId
            nextRequestId += 1
            pending.requestIds.append(requestId)
            send(.endorse(client: index, requestId: requestId, proposal: proposal, timestampMilliseconds: now),
                 from: .client, to: .peer(peer))
        }
        client.endorsing = pending
    }

    /// One peer per organisation the policy needs (a repeated organisation gives another of its
    /// peers), drawn by the seeded generator, so that lagging or crashed endorsers are asked too.
    func chooseEndorsers() -> [Int] {
        var chosen: [Int] = []
        for organization in targetOrganizations {
            let candidates = (0..<options.peers).filter {
                options.organization(ofPeer: $0) == organization && !chosen.contains($0)
            }
            guard let peer = candidates.randomElement(using: &random) else { continue }
            chosen.append(peer)
        }
        return chosen
    }

    /// An endorser's answer: kept if its request is still open; the last one decides the proposal.
    func receiveEndorsement(_ answer: EndorsementAnswer, requestId: UInt64, client index: Int) {
        guard var pending = clients[index].endorsing, pending.requestIds.contains(requestId),
              pending.answers[requestId] == nil else { return }
        pending.answers[requestId] = answer
        guard pending.answers.count == pending.requestIds.count else {
            clients[index].endorsing = pending
            return
        }
        clients[index].endorsing = nil
        switch Self.agreement(of: pending.requestIds.map { pending.answers[$0] }) {
        case .failure(let failure):
            switch failure {
            case .refused: endorsementRefusalCount += 1
            case .mismatch: endorsementMismatchCount += 1
            }
            clients[index].nonce += 1
        case .success(let agreed):
            let envelope = Transaction(endorsing: pending.proposal, signedBy: pool.accounts[index], result: agreed.result,
                                       endorsements: agreed.endorsements)
            if let execution = envelope.execution {
                envelopeVerdicts[envelope.merkleLeaf] = (execution.clientSignature, envelope.hasValidSignature)
            }
            clients[index].envelope = envelope
            clients[index].resends = 0
            clients[index].inFlight = (envelope.id, now)
            send(.submit(envelope), from: .client, to: .orderer(Int.random(in: 0..<options.orderers, using: &random)))
        }
    }

    /// The endorsements of one result, or why there are none (as `FederationClient.agreement`):
    /// every answer must be an endorsement of the same result.
    static func agreement(
        of answers: [EndorsementAnswer?]
    ) -> Result<(result: SimulationResult, endorsements: [Endorsement]), EndorsementFailure> {
        var agreed: SimulationResult?
        var endorsements: [Endorsement] = []
        for answer in answers {
            guard case .endorsed(let result, let endorsement) = answer else { return .failure(.refused) }
            if let agreed, agreed != result { return .failure(.mismatch) }
            agreed = result
            endorsements.append(endorsement)
        }
        guard let agreed else { return .failure(.refused) }
        return .success((agreed, endorsements))
    }

    /// The commit event of a client's envelope: whatever its code, the proposal is spent (its id
    /// is on the chain) and the client moves to its next nonce.
    func resolveEnvelope(client index: Int, event: CommitEvent) {
        clients[index].envelope = nil
        clients[index].nonce += 1
        if event.code.isValid { acknowledged.insert(event.transaction) }
        if healedAtMilliseconds != nil { clients[index].committedAfterHeal += 1 }
    }

    // MARK: - Checking the final chain

    /// Checks the final chain's execute-order-validate codes against this simulator's own walk of it,
    /// not `Ledger.applyEndorsed`: keys' versions and values come from the write sets of the
    /// transactions the chain calls valid, with the nonce records a valid transaction moves on.
    ///
    /// A valid transaction carries its sender's envelope signature, an id not consumed earlier,
    /// endorsements whose distinct verifying signers satisfy the policy, and reads at the versions
    /// current at its position; every invalid code has its reason; no id is valid twice; and the
    /// state after each height (its digest, and at the end every value and version) is what the
    /// valid write sets alone give, so an invalid transaction changed nothing.
    func checkEndorsedChain(_ blocks: ArraySlice<Block>, codes: [[ValidationCode]], replayed: Ledger) throws {
        guard let configuration = genesis.endorsement else { throw fail("valid options", "no endorsement configuration") }
        let base = Ledger(genesis: genesis)
        var written: [StateKey: (value: [UInt8]?, version: StateVersion)] = [:]
        var consumed: Set<Hash256> = []
        var validIds: Set<Hash256> = []
        var digest = base.state.digest
        /// The version a read must have seen: the last valid write's, or the genesis state's.
        func current(_ key: StateKey) -> StateVersion? {
            guard let entry = written[key] else { return base.state.version(of: key) }
            return entry.value == nil ? nil : entry.version
        }
        for (block, blockCodes) in zip(blocks, codes) {
            let height = block.header.height
            var blockWrites: [StateKey: [UInt8]?] = [:]
            // The simulator's own verdicts (checked once when each envelope was signed), not the ledger's.
            let verdicts = signatureVerdicts(block)
            for (position, (transaction, code)) in zip(block.transactions, blockCodes).enumerated() {
                let at = "transaction \(transaction.id.short) at \(height):\(position)"
                let version = StateVersion(height: height, transactionIndex: UInt32(position))
                let signed = verdicts[position]
                // A transaction whose signature verifies uses up its id, whatever else is wrong with it.
                let isDuplicate = consumed.contains(transaction.id)
                if signed { consumed.insert(transaction.id) }
                let staleRead = transaction.execution?.result.readWriteSet.reads.first { current($0.key) != $0.version }
                switch code {
                case .valid:
                    guard let execution = transaction.execution, signed else {
                        throw fail("valid transactions carry their sender's signature", "\(at) is valid without a verifying envelope signature")
                    }
                    guard !isDuplicate, validIds.insert(transaction.id).inserted else {
                        throw fail("a transaction id is valid once", "\(at) is valid, its id came earlier in the chain")
                    }
                    let organizations = validSigningOrganizations(execution, id: transaction.id, configuration: configuration)
                    guard configuration.policy.isSatisfied(byOrganizations: organizations) else {
                        throw fail("valid transactions are endorsed", "\(at) is valid, endorsed only by \(organizations) under \(configuration.policy)")
                    }
                    if let stale = staleRead {
                        let seen = stale.version.map { "\($0)" } ?? "absent"
                        let latest = current(stale.key).map { "\($0)" } ?? "absent"
                        throw fail("valid transactions read current versions",
                                   "\(at) is valid, it read a key at version \(seen), current \(latest)")
                    }
                    for write in execution.result.readWriteSet.writes {
                        written[write.key] = (write.value, version)
                        blockWrites[write.key] = .some(write.value)
                    }
                    let nonceKey = StateKey(.nonce, transaction.sender.hash.bytes)
                    let recorded = (written[nonceKey]?.value ?? base.state.value(for: nonceKey))
                        .flatMap { try? UInt64(canonicalBytes: $0) } ?? 0
                    if transaction.nonce >= recorded {
                        let next = (transaction.nonce + 1).canonicalBytes
                        written[nonceKey] = (next, version)
                        blockWrites[nonceKey] = .some(next)
                    }
                case .badSignature:
                    guard !signed else {
                        throw fail("invalid codes have their reasons", "\(at) is badSignature with a verifying signature")
                    }
                case .duplicateTxId:
                    guard isDuplicate, signed else {
                        throw fail("invalid codes have their reasons", "\(at) is duplicateTxId, its id is new")
                    }
                case .endorsementPolicyFailure:
                    if let execution = transaction.execution {
                        let organizations = validSigningOrganizations(execution, id: transaction.id, configuration: configuration)
                        guard !configuration.policy.isSatisfied(byOrganizations: organizations) else {
                            throw fail("invalid codes have their reasons", "\(at) is endorsementPolicyFailure, endorsed by \(organizations)")
                        }
                    }
                case .mvccReadConflict:
                    guard staleRead != nil else {
                        throw fail("invalid codes have their reasons", "\(at) is mvccReadConflict, every read is current")
                    }
                case .staleNonce, .futureNonce, .contractError:
                    throw fail("invalid codes have their reasons", "\(at) has the order-execute code \(code)")
                }
            }
            digest = Self.digest(after: digest, height: height, writes: blockWrites)
            guard let agreed = peerStateAtHeight[height], agreed.digest == digest else {
                throw fail("invalid transactions change nothing",
                           "the peers' state digest at height \(height) is not that of the valid write sets")
            }
        }
        // The final state, entry by entry: the genesis entries and the valid writes, nothing else.
        var expectedCount = base.state.count
        for (key, entry) in written {
            let before = base.state.value(for: key) != nil
            if entry.value != nil && !before { expectedCount += 1 }
            if entry.value == nil && before { expectedCount -= 1 }
            let version = entry.value == nil ? nil : entry.version
            guard replayed.state.value(for: key) == entry.value, replayed.state.version(of: key) == version else {
                throw fail("invalid transactions change nothing", "a key's final value or version is not its last valid write's")
            }
        }
        guard replayed.state.count == expectedCount else {
            throw fail("invalid transactions change nothing",
                       "the final state holds \(replayed.state.count) keys, the valid writes give \(expectedCount)")
        }
    }

    /// The organisations of the distinct endorsers whose signatures of the result verify.
    func validSigningOrganizations(_ execution: EndorsedExecution, id: Hash256,
                                   configuration: EndorsementConfiguration) -> [String] {
        let digest = execution.result.responseDigest(for: id)
        var signers: Set<UInt16> = []
        var organizations: [String] = []
        for endorsement in execution.endorsements where !signers.contains(endorsement.endorserIndex) {
            let index = Int(endorsement.endorserIndex)
            guard index < configuration.endorsers.count,
                  SignatureCheck.isValid(signature: endorsement.signature, of: digest,
                                         publicKey: configuration.endorsers[index].publicKey) else { continue }
            signers.insert(endorsement.endorserIndex)
            organizations.append(configuration.endorsers[index].organization)
        }
        return organizations
    }

    /// The world state digest after a block's final writes, as `WorldState` chains it: SHA-256 of
    /// the previous digest, the height, and the writes in key order (nil deletes).
    static func digest(after previous: Hash256, height: UInt64, writes: [StateKey: [UInt8]?]) -> Hash256 {
        var writer = CanonicalWriter(reservingCapacity: 64 + writes.count * 64)
        writer.write(previous)
        writer.write(height)
        writer.write(UInt32(writes.count))
        for key in writes.keys.sorted() {
            writer.writeLengthPrefixed(key.bytes)
            if let value = writes[key]! {
                writer.write(UInt8(1))
                writer.writeLengthPrefixed(value)
            } else {
                writer.write(UInt8(0))
            }
        }
        return Hash256.sha256(writer.bytes)
    }
}
