public import LedgerCore
public import LedgerPrimitives
public import Transport
import Synchronization
public import Node
import NodeCore

/// Submits transactions to orderers, awaits their commit events from a chosen peer, and asks
/// peers read-only queries. Safe to use from many tasks at once.
public final class FederationClient: Sendable {
    public let address: NodeAddress
    private let endpoint: any TransportEndpoint
    private let state = Mutex(State())
    private let clock = ContinuousClock()

    private struct State {
        var acknowledgements = PromiseTable<Hash256, SubmitOutcome>()
        var commits = PromiseTable<Hash256, CommitEvent>()
        /// The peer whose event counts for each awaited transaction.
        var listeningPeer: [Hash256: NodeAddress] = [:]
        var answers = PromiseTable<UInt64, QueryAnswer>()
        var endorsements = PromiseTable<UInt64, EndorsementAnswer>()
        var statuses = PromiseTable<UInt64, NodeStatus>()
        var transactionChecks = PromiseTable<UInt64, TransactionCounts>()
        var nextQueryId: UInt64 = 1
        var stopped = false
        /// The highest height of any commit event this client received.
        var highestCommittedHeight: UInt64 = 0
    }

    /// The most transactions and queries awaited at once; more are refused as overloaded.
    public let maximumInFlight: Int

    public init(endpoint: any TransportEndpoint, maximumInFlight: Int = 1_000_000) {
        address = endpoint.address
        self.endpoint = endpoint
        self.maximumInFlight = maximumInFlight
    }

    /// Receives answers and enforces deadlines until `stop()`; run it in a task of its own.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.receiveFrames() }
            group.addTask { await self.expireDeadlines() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Resolves everything awaited as timed out and ends `run()`.
    public func stop() {
        state.withLock { $0.stopped = true }
        expire(at: clock.now.advanced(by: .seconds(1_000_000)))
    }

    /// The highest block height any commit event reported to this client: what a later proposal
    /// can ask its endorsers to have reached, to see everything this client saw committed.
    public var highestCommittedHeight: UInt64 { state.withLock { $0.highestCommittedHeight } }

    /// Asks peers to send this client their commit events.
    public func subscribe(to peers: [NodeAddress]) {
        for peer in peers { endpoint.send(NodeMessage.subscribeCommits.frame, to: peer) }
    }

    /// Sends `transaction` to `orderer` and waits for its acknowledgement, then for its commit
    /// event from `peer`; the whole life is bounded by `timeout`.
    public func submit(_ transaction: Transaction, to orderer: NodeAddress, listeningTo peer: NodeAddress,
                       timeout: Duration) async -> TransactionTrace {
        let id = transaction.id
        let sent = clock.now
        let deadline = sent.advanced(by: timeout)
        let registered = state.withLock { state -> Bool in
            guard state.commits.count < maximumInFlight, !state.stopped else { return false }
            guard state.commits.register(id, deadline: deadline) else { return false }
            _ = state.acknowledgements.register(id, deadline: deadline)
            state.listeningPeer[id] = peer
            return true
        }
        guard registered else {
            return TransactionTrace(id: id, sent: sent, acknowledged: nil, finished: clock.now, outcome: .rejected(.overloaded))
        }
        endpoint.send(NodeMessage.submit(transaction).frame, to: orderer)
        return await awaitOutcome(of: id, sent: sent)
    }

    /// Waits for a registered transaction's acknowledgement, then its commit event.
    private func awaitOutcome(of id: Hash256, sent: ContinuousClock.Instant) async -> TransactionTrace {
        let acknowledgement = await wait(for: id, in: \.acknowledgements)
        let acknowledged = acknowledgement == nil ? nil : Optional(clock.now)
        if case .rejected(let reason) = acknowledgement {
            let continuation = state.withLock { state in
                state.listeningPeer[id] = nil
                return state.commits.cancel(id)
            }
            continuation?.resume(returning: nil)
            return TransactionTrace(id: id, sent: sent, acknowledged: acknowledged, finished: clock.now, outcome: .rejected(reason))
        }
        let event = await wait(for: id, in: \.commits)
        state.withLock { _ = $0.listeningPeer.removeValue(forKey: id) }
        let finished = clock.now
        guard let event else {
            return TransactionTrace(id: id, sent: sent, acknowledged: acknowledged, finished: finished, outcome: .timedOut)
        }
        return TransactionTrace(id: id, sent: sent, acknowledged: acknowledged, finished: finished,
                                outcome: .committed(event.code, height: event.height))
    }

    /// Execute-order-validate: asks `endorsers` to simulate the signed `proposal`, checks that
    /// every endorsement came and that they agree, has `signer` (the proposal's sender) sign the
    /// envelope, then submits it to `orderer` and awaits its commit event from `peer`, as
    /// `submit` does. The whole life, from the proposal on, is bounded by `timeout`.
    ///
    /// - Parameter minimumHeight: endorsers simulate only once they have committed this height
    ///   (a client's own earlier commits), 0 for at once.
    public func endorseAndSubmit(_ proposal: Transaction, signer: SigningAccount, endorsers: [NodeAddress],
                                 to orderer: NodeAddress, listeningTo peer: NodeAddress, timeout: Duration,
                                 minimumHeight: UInt64 = 0) async -> TransactionTrace {
        let id = proposal.id
        let sent = clock.now
        let deadline = sent.advanced(by: timeout)
        let requestIds = state.withLock { state -> [UInt64]? in
            guard state.endorsements.count + endorsers.count <= maximumInFlight, !state.stopped else { return nil }
            return endorsers.map { _ in
                let requestId = state.nextQueryId
                state.nextQueryId += 1
                _ = state.endorsements.register(requestId, deadline: deadline)
                return requestId
            }
        }
        guard let requestIds else {
            return TransactionTrace(id: id, sent: sent, acknowledged: nil, finished: clock.now, outcome: .rejected(.overloaded))
        }
        let timestamp = WallClock.nowMilliseconds()
        for (endorser, requestId) in zip(endorsers, requestIds) {
            endpoint.send(NodeMessage.endorse(requestId: requestId, proposal: proposal, timestampMilliseconds: timestamp,
                                              minimumHeight: minimumHeight).frame, to: endorser)
        }
        var answers: [EndorsementAnswer?] = []
        for requestId in requestIds { answers.append(await wait(for: requestId, in: \.endorsements)) }
        let failure: EndorsementFailure?
        var result: SimulationResult?
        var endorsements: [Endorsement] = []
        switch Self.agreement(of: answers) {
        case .success(let agreed):
            (result, endorsements, failure) = (agreed.result, agreed.endorsements, nil)
        case .failure(let reason):
            failure = reason
        }
        guard let result, failure == nil else {
            return TransactionTrace(id: id, sent: sent, acknowledged: nil, finished: clock.now,
                                    outcome: .endorsementFailed(failure ?? .mismatch))
        }
        let envelope = Transaction(endorsing: proposal, signedBy: signer, result: result, endorsements: endorsements)
        let registered = state.withLock { state -> Bool in
            guard state.commits.count < maximumInFlight, !state.stopped,
                  state.commits.register(id, deadline: deadline) else { return false }
            _ = state.acknowledgements.register(id, deadline: deadline)
            state.listeningPeer[id] = peer
            return true
        }
        guard registered else {
            return TransactionTrace(id: id, sent: sent, acknowledged: nil, finished: clock.now, outcome: .rejected(.overloaded))
        }
        endpoint.send(NodeMessage.submit(envelope).frame, to: orderer)
        return await awaitOutcome(of: id, sent: sent)
    }

    /// The endorsements of one result, or why there are none: a missing answer is a timeout, a
    /// refusal is the first refusal, and two different results are a mismatch.
    static func agreement(
        of answers: [EndorsementAnswer?]
    ) -> Result<(result: SimulationResult, endorsements: [Endorsement]), EndorsementFailure> {
        var agreed: SimulationResult?
        var endorsements: [Endorsement] = []
        for answer in answers {
            switch answer {
            case nil: return .failure(.timedOut)
            case .refused(let error): return .failure(.refused(error))
            case .badSignature: return .failure(.badSignature)
            case .duplicateTxId: return .failure(.duplicateTxId)
            case .notAnEndorser: return .failure(.notAnEndorser)
            case .behind: return .failure(.behind)
            case .endorsed(let result, let endorsement):
                if let agreed, agreed != result { return .failure(.mismatch) }
                agreed = result
                endorsements.append(endorsement)
            }
        }
        guard let agreed else { return .failure(.notAnEndorser) }
        return .success((agreed, endorsements))
    }

    /// Sends transactions to `orderer` in the given order (one sender's consecutive nonces arrive in
    /// nonce order on a FIFO link), then awaits every one; each life is bounded by `timeout`.
    public func submitInOrder(_ transactions: [Transaction], to orderer: NodeAddress, listeningTo peer: NodeAddress,
                              timeout: Duration) async -> [TransactionTrace] {
        let sent = clock.now
        let deadline = sent.advanced(by: timeout)
        var registered: [Bool] = []
        for transaction in transactions {
            let ok = state.withLock { state -> Bool in
                guard state.commits.count < maximumInFlight, !state.stopped,
                      state.commits.register(transaction.id, deadline: deadline) else { return false }
                _ = state.acknowledgements.register(transaction.id, deadline: deadline)
                state.listeningPeer[transaction.id] = peer
                return true
            }
            registered.append(ok)
            if ok { endpoint.send(NodeMessage.submit(transaction).frame, to: orderer) }
        }
        var traces: [TransactionTrace] = []
        for (transaction, ok) in zip(transactions, registered) {
            guard ok else {
                traces.append(TransactionTrace(id: transaction.id, sent: sent, acknowledged: nil, finished: clock.now,
                                               outcome: .rejected(.overloaded)))
                continue
            }
            traces.append(await awaitOutcome(of: transaction.id, sent: sent))
        }
        return traces
    }

    /// Asks `peer` to evaluate a read-only call signed by its sender; nil if no answer came in time.
    public func query(_ signedCall: Transaction, at peer: NodeAddress, timeout: Duration) async -> QueryAnswer? {
        let deadline = clock.now.advanced(by: timeout)
        let requestId = state.withLock { state -> UInt64? in
            guard state.answers.count < maximumInFlight, !state.stopped else { return nil }
            let requestId = state.nextQueryId
            state.nextQueryId += 1
            _ = state.answers.register(requestId, deadline: deadline)
            return requestId
        }
        guard let requestId else { return nil }
        endpoint.send(NodeMessage.query(requestId: requestId, transaction: signedCall).frame, to: peer)
        return await wait(for: requestId, in: \.answers)
    }

    /// Asks `node` for its status (with the next nonce of `account` if named); nil if no answer
    /// came within `timeout`.
    public func status(of node: NodeAddress, account: Address? = nil, timeout: Duration) async -> NodeStatus? {
        guard let requestId = registerStatusRequest(timeout: timeout) else { return nil }
        endpoint.send(NodeMessage.statusRequest(requestId: requestId, account: account).frame, to: node)
        return await wait(for: requestId, in: \.statuses)
    }

    /// Pauses or resumes mining on `node`; returns its status after the change, nil if no answer
    /// came within `timeout`.
    public func pauseMining(on node: NodeAddress, paused: Bool, timeout: Duration) async -> NodeStatus? {
        guard let requestId = registerStatusRequest(timeout: timeout) else { return nil }
        endpoint.send(NodeMessage.pauseMining(requestId: requestId, paused: paused).frame, to: node)
        return await wait(for: requestId, in: \.statuses)
    }

    /// How many times each of `ids` (at most `NodeMessage.maximumCheckedTransactions`) is in
    /// `node`'s stored chain; nil if no answer came within `timeout`.
    public func transactionCounts(on node: NodeAddress, ids: [Hash256], timeout: Duration) async -> TransactionCounts? {
        precondition(ids.count <= NodeMessage.maximumCheckedTransactions, "check at most \(NodeMessage.maximumCheckedTransactions) ids at once")
        let deadline = clock.now.advanced(by: timeout)
        guard let requestId = state.withLock({ state -> UInt64? in
            guard state.transactionChecks.count < maximumInFlight, !state.stopped else { return nil }
            let requestId = state.nextQueryId
            state.nextQueryId += 1
            _ = state.transactionChecks.register(requestId, deadline: deadline)
            return requestId
        }) else { return nil }
        endpoint.send(NodeMessage.transactionCheck(requestId: requestId, ids: ids).frame, to: node)
        return await wait(for: requestId, in: \.transactionChecks)
    }

    private func registerStatusRequest(timeout: Duration) -> UInt64? {
        let deadline = clock.now.advanced(by: timeout)
        return state.withLock { state -> UInt64? in
            guard state.statuses.count < maximumInFlight, !state.stopped else { return nil }
            let requestId = state.nextQueryId
            state.nextQueryId += 1
            _ = state.statuses.register(requestId, deadline: deadline)
            return requestId
        }
    }

    // MARK: - Private

    private func wait<Key: Hashable & Sendable, Value: Sendable>(
        for key: Key, in table: WritableKeyPath<State, PromiseTable<Key, Value>>
    ) async -> Value? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            let (resumeNow, value) = state.withLock { $0[keyPath: table].await(key, continuation) }
            if resumeNow { continuation.resume(returning: value) }
        }
    }

    private func receiveFrames() async {
        for await frame in endpoint.inbox {
            if Task.isCancelled || state.withLock({ $0.stopped }) { break }
            guard let message = try? NodeMessage(frame: frame.bytes) else { continue }
            switch message {
            case .submitted(let id, let outcome):
                state.withLock { $0.acknowledgements.resolve(id, with: outcome) }?.resume(returning: outcome)
            case .commits(let events):
                var implied: [CheckedContinuation<SubmitOutcome?, Never>] = []
                let ready = state.withLock { state in
                    if let highest = events.map(\.height).max() {
                        state.highestCommittedHeight = max(state.highestCommittedHeight, highest)
                    }
                    return events.compactMap { event -> (CheckedContinuation<CommitEvent?, Never>, CommitEvent)? in
                        guard state.listeningPeer[event.transaction] == frame.from else { return nil }
                        // An event may beat the acknowledgement: the acknowledgement is then implied,
                        // and a submitter already waiting for it must be resumed, not dropped.
                        if let waiting = state.acknowledgements.resolve(event.transaction, with: .accepted) {
                            implied.append(waiting)
                        }
                        return state.commits.resolve(event.transaction, with: event).map { ($0, event) }
                    }
                }
                for continuation in implied { continuation.resume(returning: .accepted) }
                for (continuation, event) in ready { continuation.resume(returning: event) }
            case .endorsement(let requestId, let answer):
                state.withLock { $0.endorsements.resolve(requestId, with: answer) }?.resume(returning: answer)
            case .queryAnswer(let requestId, let answer):
                state.withLock { $0.answers.resolve(requestId, with: answer) }?.resume(returning: answer)
            case .statusAnswer(let requestId, let status):
                state.withLock { $0.statuses.resolve(requestId, with: status) }?.resume(returning: status)
            case .transactionCounts(let requestId, let counts, let failure):
                let answer = TransactionCounts(counts: counts.map(Int.init), failure: failure)
                state.withLock { $0.transactionChecks.resolve(requestId, with: answer) }?.resume(returning: answer)
            default:
                continue
            }
        }
    }

    private func expireDeadlines() async {
        while !Task.isCancelled, !state.withLock({ $0.stopped }) {
            try? await Task.sleep(for: .milliseconds(20))
            expire(at: clock.now)
        }
    }

    private func expire(at now: ContinuousClock.Instant) {
        let (acknowledgements, commits, answers, statuses, endorsements, checks) = state.withLock { state in
            (state.acknowledgements.expire(at: now), state.commits.expire(at: now), state.answers.expire(at: now),
             state.statuses.expire(at: now), state.endorsements.expire(at: now), state.transactionChecks.expire(at: now))
        }
        for continuation in checks { continuation.resume(returning: nil) }
        for continuation in endorsements { continuation.resume(returning: nil) }
        for continuation in statuses { continuation.resume(returning: nil) }
        for continuation in acknowledgements { continuation.resume(returning: nil) }
        for continuation in commits { continuation.resume(returning: nil) }
        for continuation in answers { continuation.resume(returning: nil) }
    }
}

/// A node's answer to the lost-commit check: one count per asked id, or why it could not count.
public struct TransactionCounts: Sendable, Hashable {
    public var counts: [Int]
    public var failure: String?

    public init(counts: [Int], failure: String?) {
        self.counts = counts
        self.failure = failure
    }
}
