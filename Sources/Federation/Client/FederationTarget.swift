public import LedgerCore
public import LedgerPrimitives
public import Load
public import Node
/// A federation, in-process or as processes: each account submits to one node and listens to another
/// (Raft: orderer `i mod orderers`, peer `i mod peers`), so load and events spread over the federation.
/// Where the ledger endorses before ordering, each proposal first goes to the endorsers the plan
/// names for the account.
public struct FederationTarget: BenchmarkTarget {
    public let federation: any BenchmarkFederation

    public init(federation: any BenchmarkFederation) { self.federation = federation }

    public func submit(_ transaction: Transaction, signer: SigningAccount, account: Int, timeout: Duration) async -> TransactionTrace {
        await submit(transaction, signer: signer, account: account, timeout: timeout, minimumHeight: 0)
    }

    private func submit(_ transaction: Transaction, signer: SigningAccount, account: Int, timeout: Duration,
                        minimumHeight: UInt64) async -> TransactionTrace {
        let orderer = federation.submitter(forAccount: account)
        let listener = federation.listener(forAccount: account)
        let endorsers = federation.plan.endorsers(forAccount: account)
        guard !endorsers.isEmpty else {
            return await federation.client.submit(transaction, to: orderer, listeningTo: listener, timeout: timeout)
        }
        return await federation.client.endorseAndSubmit(transaction, signer: signer, endorsers: endorsers, to: orderer,
                                                        listeningTo: listener, timeout: timeout, minimumHeight: minimumHeight)
    }

    public func query(_ signedCall: Transaction, account: Int, timeout: Duration) async -> TransactionTrace {
        let clock = ContinuousClock()
        let sent = clock.now
        let answer = await federation.client.query(signedCall, at: federation.listener(forAccount: account), timeout: timeout)
        let finished = clock.now
        let outcome: TransactionOutcome
        switch answer {
        case .output: outcome = .committed(.valid, height: 0)
        case .refused(let error): outcome = .committed(.contractError(error), height: 0)
        case .badSignature: outcome = .committed(.badSignature, height: 0)
        case nil: outcome = .timedOut
        }
        return TransactionTrace(id: signedCall.id, sent: sent, acknowledged: answer == nil ? nil : finished,
                                finished: finished, outcome: outcome)
    }

    public func nextNonce(of address: Address) async -> UInt64? {
        await federation.nextNonce(of: address)
    }

    /// In order-execute, sends the whole list at once (nonce order on a FIFO link). Execute-order-
    /// validate checks ids, not nonce order, so the list goes out at once too; each proposal's
    /// endorsers first reach every height this client has seen committed, so they simulate on the
    /// state the earlier preparation left (without it a lagging endorser refuses a call whose
    /// prerequisite it has not committed yet).
    public func submitInOrder(_ transactions: [Transaction], signer: SigningAccount, account: Int,
                              timeout: Duration) async -> [TransactionTrace] {
        guard federation.plan.genesis.endorsement != nil else {
            return await federation.client.submitInOrder(transactions, to: federation.submitter(forAccount: account),
                                                         listeningTo: federation.listener(forAccount: account), timeout: timeout)
        }
        let minimumHeight = federation.client.highestCommittedHeight
        return await withTaskGroup(of: (Int, TransactionTrace).self) { group in
            for (position, transaction) in transactions.enumerated() {
                group.addTask {
                    (position, await submit(transaction, signer: signer, account: account, timeout: timeout,
                                            minimumHeight: minimumHeight))
                }
            }
            var traces: [TransactionTrace?] = Array(repeating: nil, count: transactions.count)
            for await (position, trace) in group { traces[position] = trace }
            return traces.map { $0! }
        }
    }
}
