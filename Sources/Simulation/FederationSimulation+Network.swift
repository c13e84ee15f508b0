import Consensus
import LedgerCore
import LedgerPrimitives
import NodeCore

extension Simulator {
    // MARK: - Network and faults

    func send(_ message: Message, from: Address, to: Address) {
        guard isUp(from) else { return }
        if Double.random(in: 0..<1, using: &random) < options.lossProbability { return }
        let copies = Double.random(in: 0..<1, using: &random) < options.duplicationProbability ? 2 : 1
        for _ in 0..<copies {
            var delay = UInt64.random(in: options.minimumDelayMilliseconds...options.maximumDelayMilliseconds, using: &random)
            if case .raft = message, now < delayBurstUntilMilliseconds, Int.random(in: 0..<3, using: &random) == 0 {
                // Held back long enough to arrive after messages of newer terms.
                delay += UInt64.random(in: 100...1_500, using: &random)
            }
            queue.schedule(.deliver(from: from, to: to, message: message), at: now + delay)
        }
    }

    func isUp(_ address: Address) -> Bool {
        switch address {
        case .orderer(let index): orderers[index].core != nil
        case .peer(let index): peers[index].core != nil
        case .client: true
        }
    }

    func connected(_ a: Address, _ b: Address) -> Bool {
        (partitionOf[a] ?? 0) == (partitionOf[b] ?? 0) || a == .client || b == .client
    }

    func deliver(_ message: Message, from: Address, to: Address) throws {
        guard isUp(to), connected(from, to) else { return }
        switch (message, to) {
        case (.raft(let envelope), .orderer(let index)):
            guard case .orderer(let sender) = from else { return }
            try stepRaft(envelope, from: sender, into: index)
            try drainOrderer(index)
            pushBlocks(from: index)
        case (.forward(let transaction), .orderer(let index)):
            orderers[index].core!.receiveForward(transaction, size: transaction.canonicalBytes.count)
            try drainOrderer(index)
        case (.submit(let transaction), .orderer(let index)):
            _ = orderers[index].core!.submit(transaction, size: transaction.canonicalBytes.count)
            try drainOrderer(index)
        case (.deliverRequest(let height), .orderer(let index)):
            if case .orderer = from {
                // Another orderer filling its store: one answer from the stored chain, no subscription.
                let chain = orderers[index].chain
                let start = min(Int(max(height, 1)), chain.count)
                let end = min(chain.count, start + Self.maximumBlocksPerMessage)
                send(.blocks(Array(chain[start..<end])), from: to, to: from)
                return
            }
            guard case .peer(let peer) = from else { return }
            orderers[index].subscribers[peer] = height
            let chain = orderers[index].chain
            let start = min(Int(height), chain.count)
            let end = min(chain.count, start + Self.maximumBlocksPerMessage)
            // Always answer, even with nothing, so the peer knows this orderer is alive.
            send(.blocks(Array(chain[start..<end])), from: to, to: from)
            orderers[index].subscribers[peer] = UInt64(end)
        case (.blocks(let blocks), .orderer(let index)):
            guard case .orderer = from else { return }
            let before = orderers[index].chain.count
            orderers[index].core!.receiveBlocks(blocks)
            try drainOrderer(index)
            fetchedBlockCount += orderers[index].chain.count - before
            pushBlocks(from: index)
        case (.blocks(let blocks), .peer(let index)):
            guard case .orderer(let orderer) = from else { return }
            try receiveBlocks(blocks, peer: index, from: orderer)
        case (.commits(let events), .client):
            guard case .peer(let peer) = from else { return }
            receiveCommits(events, from: peer)
        case (.endorse(let client, let requestId, let proposal, let timestamp), .peer(let index)):
            let answer = peers[index].core!.endorse(proposal, timestampMilliseconds: timestamp)
            send(.endorsement(client: client, requestId: requestId, answer: answer), from: to, to: .client)
        case (.endorsement(let client, let requestId, let answer), .client):
            guard case .peer = from else { return }
            receiveEndorsement(answer, requestId: requestId, client: client)
        default:
            throw fail("well-addressed messages", "\(message) sent to \(to)")
        }
    }

}
