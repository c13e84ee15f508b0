import Consensus
import LedgerCore
import LedgerPrimitives
import NodeCore

extension Simulator {
    func pollDeliver(peer index: Int) {
        var node = peers[index]
        if now - node.lastAnswerMilliseconds > Self.deliverFailoverMilliseconds {
            // The orderer has not answered for a while: try the next one, and give it time.
            node.orderer = (node.orderer + 1) % options.orderers
            node.lastAnswerMilliseconds = now
        }
        if now - node.lastRequestMilliseconds >= Self.deliverPollMilliseconds {
            node.lastRequestMilliseconds = now
            send(.deliverRequest(fromHeight: node.core!.nextHeight), from: .peer(index), to: .orderer(node.orderer))
        }
        peers[index] = node
    }

    func receiveBlocks(_ blocks: [Block], peer index: Int, from orderer: Int) throws {
        if orderer == peers[index].orderer { peers[index].lastAnswerMilliseconds = now }
        var events: [CommitEvent] = []
        for block in blocks {
            guard var core = peers[index].core else { return }
            let outcome = core.receive(block, signatureVerdicts: signatureVerdicts(block))
            peers[index].core = core
            switch outcome {
            case .committed(let codes):
                let expected = peers[index].appliedHeight + 1
                guard block.header.height == expected, core.ledger.height == block.header.height else {
                    throw fail("a peer applies each block once, in height order",
                               "peer\(index) applied block \(block.header.height) (ledger height \(core.ledger.height)) "
                               + "when its next height was \(expected)")
                }
                peers[index].appliedHeight = block.header.height
                if peers[index].sawGap {
                    peers[index].sawGap = false
                    coverage.record(.peerCatchUpThenApply)
                }
                peers[index].chain.append(block)
                try recordPeerState(core, block: block, codes: codes, peer: index)
                events += PeerCore.events(of: block, codes: codes)
            case .alreadyCommitted:
                coverage.record(.redeliveredBlockIgnored)
                let height = Int(block.header.height)
                if peers[index].chain[height].hash != block.hash {
                    throw fail("peers agree", "peer\(index) was delivered a different block \(height)")
                }
            case .gap(let next):
                peers[index].sawGap = true
                send(.deliverRequest(fromHeight: next), from: .peer(index), to: .orderer(orderer))
                if !events.isEmpty { send(.commits(events), from: .peer(index), to: .client) }
                return
            case .refused(let error):
                throw fail("delivered blocks extend the chain", "peer\(index) refused block \(block.header.height): \(error)")
            }
        }
        if !events.isEmpty { send(.commits(events), from: .peer(index), to: .client) }
    }

    func recordPeerState(_ core: PeerCore, block: Block, codes: [ValidationCode], peer index: Int) throws {
        let height = block.header.height
        let state = (block: block.hash, digest: core.ledger.state.digest, codes: codes)
        if let known = peerStateAtHeight[height] {
            guard known.block == state.block, known.digest == state.digest else {
                throw fail("peers agree", "peer\(index) at height \(height) has block \(state.block.short) digest \(state.digest.short), another peer \(known.block.short) \(known.digest.short)")
            }
            guard known.codes == codes else {
                throw fail("peers agree", "peer\(index) gives block \(height) the codes \(codes), another peer \(known.codes)")
            }
        } else {
            peerStateAtHeight[height] = state
        }
        if let formed = formedBlockHashes[height], formed != block.hash {
            throw fail("peers follow the orderers", "peer\(index) committed block \(height) that no orderer formed")
        }
    }

    func driveClient(_ index: Int) {
        if options.flow == .executeOrderValidate { return driveEndorsingClient(index) }
        var client = clients[index]
        defer { clients[index] = client }
        if let inFlight = client.inFlight {
            guard now - inFlight.sentMilliseconds >= options.clientTimeoutMilliseconds else { return }
            // Timed out: resynchronise the nonce from the listening peer (a query) and resend.
            client.inFlight = nil
            if let core = peers[index % options.peers].core {
                client.nonce = core.ledger.nextNonce(of: pool.transactions[index][0].sender)
            }
        }
        guard faultsActive || client.committedAfterHeal == 0 else { return }
        guard client.nonce < options.clientNonceLimit else { return }
        // Submit now and then, not on every tick, so batches vary in size.
        guard Int.random(in: 0..<4, using: &random) == 0 else { return }
        let transaction = pool.transactions[index][Int(client.nonce)]
        client.inFlight = (transaction.id, now)
        send(.submit(transaction), from: .client, to: .orderer(Int.random(in: 0..<options.orderers, using: &random)))
    }

    func receiveCommits(_ events: [CommitEvent], from peer: Int) {
        for event in events {
            for index in clients.indices where index % options.peers == peer {
                guard let inFlight = clients[index].inFlight, inFlight.id == event.transaction else { continue }
                clients[index].inFlight = nil
                if options.flow == .executeOrderValidate {
                    resolveEnvelope(client: index, event: event)
                    continue
                }
                switch event.code {
                case .valid:
                    acknowledged.insert(event.transaction)
                    clients[index].nonce += 1
                    if healedAtMilliseconds != nil { clients[index].committedAfterHeal += 1 }
                case .contractError:
                    clients[index].nonce += 1
                    if healedAtMilliseconds != nil { clients[index].committedAfterHeal += 1 }
                case .staleNonce(let expected), .futureNonce(let expected):
                    clients[index].nonce = expected
                case .badSignature, .mvccReadConflict, .endorsementPolicyFailure, .duplicateTxId:
                    break
                }
            }
        }
    }
}
