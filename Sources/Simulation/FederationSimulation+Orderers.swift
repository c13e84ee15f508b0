import Consensus
import LedgerCore
import LedgerPrimitives
import NodeCore

extension Simulator {
    /// Starts (or restarts) orderer `index` from what it persisted, on its own clock.
    func startOrderer(_ index: Int) {
        let node = orderers[index]
        let head = node.chain.last!
        let generator = SeededGenerator(seed: seed).derived(UInt64(index) << 32 | node.incarnation)
        orderers[index].core = OrdererCore(
            id: voters[index], voters: voters, options: ordererOptions, generator: generator,
            storage: node.storage, head: head.header, headHash: head.hash, nowMilliseconds: clocks[index].localMilliseconds)
        if orderers[index].core!.catchUp.missingHeights != nil {
            restartsBehindSnapshotCount += 1
            coverage.record(.restartBehindSnapshot)
        }
        if node.incarnation > 0, node.storage.snapshot != nil { coverage.record(.restartFromSnapshot) }
    }

    /// Runs the orderer's ready loop: mirror compaction, persist, send, store and deliver, advance.
    /// An armed crash strikes after persisting and before sending; the checkers run after each step.
    func drainOrderer(_ index: Int) throws {
        var rounds = 0
        while let core = orderers[index].core, core.hasReady {
            rounds += 1
            guard rounds < 10_000 else { throw fail("bounded ready loop", "orderer\(index) never runs out of work") }
            var mutableCore = core
            let dropsBefore = core.catchUp.heldDropCount
            let ready = mutableCore.ready()
            heldBlockDropCount += mutableCore.catchUp.heldDropCount - dropsBefore
            if let compaction = ready.compaction {
                orderers[index].storage.compact(to: compaction)
                compactionCount += 1
            }
            if let raftReady = ready.raft {
                if raftReady.snapshotToPersist != nil {
                    snapshotInstallCount += 1
                    coverage.record(.snapshotInstalled)
                }
                if let from = raftReady.persistFromIndex, let last = orderers[index].storage.entries.last?.index, from <= last {
                    coverage.record(.uncommittedEntriesTruncated)
                }
                orderers[index].storage.persist(raftReady)
                try recordCommitted(by: index, core: mutableCore)
                if crashesBeforeSending(index, raftReady) {
                    crash(.orderer(index))
                    scheduleRestart(of: .orderer(index))
                    try checkElectableOrderersHoldCommitted()
                    return
                }
                for envelope in raftReady.messages {
                    send(.raft(envelope), from: .orderer(index), to: .orderer(Int(envelope.to.rawValue) - 1))
                }
            }
            for (leader, transaction) in ready.forwards {
                send(.forward(transaction), from: .orderer(index), to: .orderer(Int(leader.rawValue) - 1))
            }
            if let fetch = ready.fetch {
                send(.deliverRequest(fromHeight: fetch.fromHeight), from: .orderer(index),
                     to: .orderer(Int(fetch.orderer.rawValue) - 1))
            }
            for block in ready.blocks {
                try recordFormed(block, by: index)
                orderers[index].chain.append(block)
            }
            maximumRaftLogEntries = max(maximumRaftLogEntries, orderers[index].storage.entries.count)
            mutableCore.advance(ready)
            orderers[index].core = mutableCore
            try checkLeader(mutableCore)
        }
        if rounds > 0 { try checkElectableOrderersHoldCommitted() }
    }

    /// Checks a block an orderer stores (formed or fetched) against its chain and every earlier one.
    func recordFormed(_ block: Block, by index: Int) throws {
        let height = block.header.height
        guard height == UInt64(orderers[index].chain.count) else {
            throw fail("contiguous chain", "orderer\(index) stores block \(height) on a chain of \(orderers[index].chain.count)")
        }
        let parent = orderers[index].chain[Int(height) - 1]
        do {
            try block.verifyLink(to: parent.header, previousHash: parent.hash)
        } catch {
            throw fail("contiguous chain", "orderer\(index) stores block \(height) not linking to its parent: \(error)")
        }
        if let known = formedBlockHashes[height], known != block.hash {
            throw fail("committed blocks never change", "orderer\(index) formed block \(height) as \(block.hash.short), earlier \(known.short)")
        }
        formedBlockHashes[height] = block.hash
    }

    func checkLeader(_ core: OrdererCore) throws {
        guard core.raft.role == .leader else { return }
        let term = core.raft.term
        if let known = leaderOfTerm[term] {
            guard known == core.id else {
                throw fail("one leader per term", "term \(term) has leaders \(known) and \(core.id)")
            }
            return
        }
        leaderOfTerm[term] = core.id
        try checkNewLeader(Int(core.id.rawValue) - 1)
    }

    func pushBlocks(from index: Int) {
        for (peer, next) in orderers[index].subscribers.sorted(by: { $0.key < $1.key }) {
            let chain = orderers[index].chain
            guard next < UInt64(chain.count) else { continue }
            let end = min(chain.count, Int(next) + Self.maximumBlocksPerMessage)
            send(.blocks(Array(chain[Int(next)..<end])), from: .orderer(index), to: .peer(peer))
            orderers[index].subscribers[peer] = UInt64(end)
        }
    }
}
