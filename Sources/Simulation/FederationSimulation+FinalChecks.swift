import Consensus
import LedgerCore
import LedgerPrimitives
import NodeCore

extension Simulator {
    // MARK: - The end

    func isSettled() -> Bool {
        guard clients.allSatisfy({ $0.committedAfterHeal > 0 || $0.nonce >= options.clientNonceLimit }) else { return false }
        let height = UInt64(formedBlockHashes.count)
        let orderersDone = orderers.allSatisfy { $0.core != nil && UInt64($0.chain.count - 1) == height }
        let peersDone = peers.allSatisfy { $0.core?.ledger.height == height }
        let idle = orderers.allSatisfy { ($0.core?.pendingCount ?? 0) == 0 }
        return orderersDone && peersDone && idle
    }

    func settleReport() -> String {
        let orderersText = orderers.enumerated().map { "orderer\($0.offset) height \($0.element.chain.count - 1) role \(String(describing: $0.element.core?.raft.role))" }
        let peersText = peers.enumerated().map { "peer\($0.offset) height \($0.element.core?.ledger.height ?? 0)" }
        let clientsText = clients.map { "\($0.committedAfterHeal)" }.joined(separator: ",")
        return "not converged \(options.settleLimitMilliseconds) ms after healing: formed \(formedBlockHashes.count), "
            + (orderersText + peersText).joined(separator: "; ") + "; commits after heal per client [\(clientsText)]"
    }

    func checkFinalInvariants() throws {
        // Orderers' logs agree on every committed entry.
        for a in orderers.indices {
            for b in orderers.indices where b > a {
                let first = orderers[a].storage, second = orderers[b].storage
                let committed = min(first.hardState.commitIndex, second.hardState.commitIndex)
                for entry in first.entries where entry.index <= committed {
                    guard let other = second.entries.first(where: { $0.index == entry.index }) else { continue }
                    guard other == entry else {
                        throw fail("logs match", "orderer\(a) and orderer\(b) differ at committed index \(entry.index)")
                    }
                }
            }
        }
        // Every orderer's block store is contiguous (checked as blocks were stored) and identical.
        for (index, node) in orderers.enumerated() {
            guard node.chain.count == orderers[0].chain.count, node.chain.last?.hash == orderers[0].chain.last?.hash else {
                throw fail("orderers' stores agree", "orderer\(index) ends at height \(node.chain.count - 1), orderer0 at \(orderers[0].chain.count - 1)")
            }
        }
        // Every orderer and peer holds every formed block, unchanged.
        for (index, node) in orderers.enumerated() {
            for block in node.chain.dropFirst() where formedBlockHashes[block.header.height] != block.hash {
                throw fail("committed blocks never change", "orderer\(index) holds another block \(block.header.height)")
            }
        }
        for (index, node) in peers.enumerated() {
            for block in node.chain.dropFirst() where formedBlockHashes[block.header.height] != block.hash {
                throw fail("peers follow the orderers", "peer\(index) holds another block \(block.header.height)")
            }
        }
        // Every acknowledged transaction is in the chain exactly once as valid.
        var replay = PeerCore(genesis: genesis)
        var validCount: [Hash256: Int] = [:]
        var chainCodes: [[ValidationCode]] = []
        for block in peers[0].chain.dropFirst() {
            guard case .committed(let codes) = replay.receive(block, signatureVerdicts: signatureVerdicts(block)) else {
                throw fail("chain replays", "block \(block.header.height) does not replay")
            }
            if let recorded = peerStateAtHeight[block.header.height], recorded.codes != codes {
                throw fail("peers agree", "replaying block \(block.header.height) gives the codes \(codes), the peers gave \(recorded.codes)")
            }
            chainCodes.append(codes)
            for (transaction, code) in zip(block.transactions, codes) {
                finalCodeCounts[Self.kind(of: code), default: 0] += 1
                if code.isValid { validCount[transaction.id, default: 0] += 1 }
            }
        }
        for (id, count) in validCount where count > 1 {
            throw fail("exactly once", "transaction \(id.short) is valid \(count) times")
        }
        for id in acknowledged where validCount[id] != 1 {
            throw fail("acknowledged means committed", "transaction \(id.short) was acknowledged but is valid \(validCount[id] ?? 0) times")
        }
        guard replay.ledger.state.digest == peers[0].core?.ledger.state.digest else {
            throw fail("restart rebuilds state", "replaying peer0's chain gives another state digest")
        }
        if options.flow == .executeOrderValidate {
            try checkEndorsedChain(peers[0].chain.dropFirst(), codes: chainCodes, replayed: replay.ledger)
        }
    }

    /// A validation code's kind, without its detail: the key of the report's counts.
    static func kind(of code: ValidationCode) -> String {
        switch code {
        case .valid: "valid"
        case .badSignature: "badSignature"
        case .staleNonce: "staleNonce"
        case .futureNonce: "futureNonce"
        case .contractError: "contractError"
        case .mvccReadConflict: "mvccReadConflict"
        case .endorsementPolicyFailure: "endorsementPolicyFailure"
        case .duplicateTxId: "duplicateTxId"
        }
    }
}
