public import LedgerCore
public import Load
public import Node
/// A federation, in-process or as processes: each account submits to one node and listens to another
/// (Raft: orderer `i mod orderers`, peer `i mod peers`), so load and events spread over the federation.
public struct FederationTarget: BenchmarkTarget {
    public let federation: any BenchmarkFederation

    public init(federation: any BenchmarkFederation) { self.federation = federation }

    public func submit(_ transaction: Transaction, account: Int, timeout: Duration) async -> TransactionTrace {
        await federation.client.submit(transaction, to: federation.submitter(forAccount: account),
                                       listeningTo: federation.listener(forAccount: account), timeout: timeout)
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

    public func submitInOrder(_ transactions: [Transaction], account: Int, timeout: Duration) async -> [TransactionTrace] {
        await federation.client.submitInOrder(transactions, to: federation.submitter(forAccount: account),
                                              listeningTo: federation.listener(forAccount: account), timeout: timeout)
    }
}
