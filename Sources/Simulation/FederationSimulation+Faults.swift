import Consensus
import LedgerCore
import LedgerPrimitives
import NodeCore

extension Simulator {
    func nextFaultDelay() -> UInt64 {
        UInt64.random(in: options.meanFaultIntervalMilliseconds / 2...options.meanFaultIntervalMilliseconds * 3 / 2, using: &random)
    }

    /// Injects one fault, drawn by this seed's weights among the kinds the options allow.
    func injectFault() {
        var total = 0
        var allowed: [(FaultKind, Int)] = []
        for kind in FaultKind.allCases where options.allows(kind) {
            let weight = swarm.faultWeights[kind, default: 0]
            guard weight > 0 else { continue }
            allowed.append((kind, weight))
            total += weight
        }
        guard total > 0 else { return }
        var roll = Int.random(in: 0..<total, using: &random)
        guard let kind = allowed.first(where: { roll -= $0.1; return roll < 0 })?.0 else { return }
        switch kind {
        case .crash: crashRandomNode()
        case .partition: partitionRandomly()
        case .leaderIsolation: isolateLeader()
        case .crashBetweenPersistAndSend: armCrashBeforeSend()
        case .leaderChurn: startLeaderChurn()
        case .delayBurst: startDelayBurst()
        case .clockStall: stallClock()
        }
    }

    func crashRandomNode() {
        let nodes: [Address] = orderers.indices.map { .orderer($0) } + peers.indices.map { .peer($0) }
        guard let victim = nodes.filter(isUp).randomElement(using: &random) else { return }
        coverage.record(.crash)
        crash(victim)
        scheduleRestart(of: victim)
    }

    func scheduleRestart(of address: Address) {
        queue.schedule(.restart(address), at: now + UInt64.random(in: 300...3_000, using: &random))
    }

    func partitionRandomly() {
        let nodes: [Address] = orderers.indices.map { .orderer($0) } + peers.indices.map { .peer($0) }
        partitionOf = [:]
        for node in nodes { partitionOf[node] = Int.random(in: 0..<2, using: &random) }
        partitionCount += 1
        coverage.record(.partition)
        queue.schedule(.heal, at: now + UInt64.random(in: 500...4_000, using: &random))
    }

    /// The orderer that leads the highest term among those up, if any.
    var currentLeader: Int? {
        orderers.indices.filter { orderers[$0].core?.raft.role == .leader }
            .max { orderers[$0].core!.raft.term < orderers[$1].core!.raft.term }
    }

    /// Cuts the leader off with fewer than half of the other orderers; clients still reach it, so
    /// it appends entries that only a minority holds, while the majority elects another leader.
    func isolateLeader() {
        guard let leader = currentLeader else { return partitionRandomly() }
        partitionOf = [:]
        let others = orderers.indices.filter { $0 != leader }.shuffled(using: &random)
        let companions = Int.random(in: 0...max(0, (options.orderers - 1) / 2 - 1), using: &random)
        partitionOf[.orderer(leader)] = 1
        for index in others.prefix(companions) { partitionOf[.orderer(index)] = 1 }
        for index in peers.indices where Bool.random(using: &random) { partitionOf[.peer(index)] = 1 }
        partitionCount += 1
        coverage.record(.leaderIsolation)
        queue.schedule(.heal, at: now + UInt64.random(in: 500...3_000, using: &random))
    }

    /// Arms a crash of an orderer (the leader, more often than not) at its next Ready with
    /// messages: what it persisted survives, what it was about to send is lost.
    func armCrashBeforeSend() {
        let up = orderers.indices.filter { orderers[$0].core != nil }
        let victim = currentLeader.flatMap { Int.random(in: 0..<3, using: &random) < 2 ? $0 : nil }
            ?? up.randomElement(using: &random)
        guard let victim else { return }
        crashBeforeSendArmed.insert(victim)
    }

    /// Crashes the leader at its next Ready with new entries, before they leave it, and then the
    /// next new leader before its no-op leaves it: leader changes with uncommitted entries of
    /// older terms on a minority (Figure 8 of the Raft paper).
    func startLeaderChurn() {
        guard let leader = currentLeader else { return armCrashBeforeSend() }
        coverage.record(.leaderChurn)
        crashBeforeSendArmed.insert(leader)
        newLeadersToCrashBeforeSend = 1
    }

    /// For a while, a third of the Raft messages are held back 0.1 to 1.5 s, so that messages of
    /// old terms arrive after newer ones.
    func startDelayBurst() {
        coverage.record(.delayBurst)
        delayBurstUntilMilliseconds = max(delayBurstUntilMilliseconds, now + UInt64.random(in: 500...3_000, using: &random))
    }

    /// Pauses an orderer's clock (no ticks, no batch timeouts) for a while; then it jumps ahead.
    func stallClock() {
        guard let victim = orderers.indices.randomElement(using: &random) else { return }
        coverage.record(.clockStall)
        clocks[victim].stalledUntilMilliseconds = now + UInt64.random(in: 300...2_500, using: &random)
    }

    /// Whether an armed crash fires on this Ready, which was just persisted; clears the arming.
    func crashesBeforeSending(_ index: Int, _ ready: Raft.Ready) -> Bool {
        guard faultsActive, !ready.messages.isEmpty else { return false }
        if newLeadersToCrashBeforeSend > 0, ready.softState?.role == .leader {
            newLeadersToCrashBeforeSend -= 1
            coverage.record(.crashBetweenPersistAndSend)
            coverage.record(.newLeaderCrashedBeforeSendingNoop)
            return true
        }
        guard crashBeforeSendArmed.contains(index), !ready.entriesToPersist.isEmpty || ready.hardState != nil else {
            return false
        }
        crashBeforeSendArmed.remove(index)
        coverage.record(.crashBetweenPersistAndSend)
        return true
    }

    /// Ends every fault: heals, restarts, disarms, lets clocks run.
    func endFaults() throws {
        faultsActive = false
        partitionOf = [:]
        crashBeforeSendArmed = []
        newLeadersToCrashBeforeSend = 0
        delayBurstUntilMilliseconds = 0
        for index in clocks.indices { clocks[index].stalledUntilMilliseconds = 0 }
        for index in orderers.indices where orderers[index].core == nil { try restart(.orderer(index)) }
        for index in peers.indices where peers[index].core == nil { try restart(.peer(index)) }
        healedAtMilliseconds = now
    }

    /// A crash keeps only what was persisted: the Raft storage and the stored chain.
    func crash(_ address: Address) {
        crashCount += 1
        switch address {
        case .orderer(let index):
            orderers[index].core = nil
            orderers[index].subscribers = [:]
        case .peer(let index):
            peers[index].core = nil
        case .client:
            break
        }
    }

    func restart(_ address: Address) throws {
        guard !isUp(address) else { return }
        switch address {
        case .orderer(let index):
            orderers[index].incarnation += 1
            startOrderer(index)
            try drainOrderer(index)
        case .peer(let index):
            // Rebuild the state from the stored chain, as a restarted peer does from its block store.
            var core = PeerCore(genesis: genesis, endorser: endorserIdentity(ofPeer: index))
            for block in peers[index].chain.dropFirst() {
                guard case .committed = core.receive(block, signatureVerdicts: signatureVerdicts(block)) else {
                    throw fail("restart rebuilds state", "peer\(index) could not replay block \(block.header.height)")
                }
            }
            peers[index].core = core
            peers[index].appliedHeight = core.ledger.height
            peers[index].sawGap = false
            peers[index].lastAnswerMilliseconds = now
        case .client:
            break
        }
    }
}
