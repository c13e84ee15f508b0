import Foundation
import Synchronization
import LedgerCore
import LedgerPrimitives
import Node
import Transport
public import BenchmarkSpec
public import Federation
public import Results

/// Which nodes are down because a planned fault crashed them, and under which target each was
/// crashed (a restart starts the one crashed most recently under its target). Shared by the rounds
/// of one repetition on one network.
final class PlannedOutages: Sendable {
    private struct State {
        var down: [NodeAddress: String] = [:]
        var crashedUnder: [String: [NodeAddress]] = [:]
    }

    private let state = Mutex(State())

    /// The nodes down by plan, with the fault that took each down.
    var down: [NodeAddress: String] { state.withLock { $0.down } }

    func crashed(_ node: NodeAddress, under target: String, by fault: String) {
        state.withLock { state in
            state.down[node] = fault
            state.crashedUnder[target, default: []].append(node)
        }
    }

    /// The node a restart of `target` starts: the one crashed most recently under it.
    func takeCrashed(under target: String) -> NodeAddress? {
        state.withLock { state in
            guard let node = state.crashedUnder[target]?.popLast() else { return nil }
            state.down[node] = nil
            return node
        }
    }
}

/// Carries out a round's faults at their times from the round's start, then ends whatever is
/// still on; every action is logged and recorded.
final class FaultInjector: Sendable {
    private let faults: [Fault]
    private let federation: any BenchmarkFederation
    private let outages: PlannedOutages
    private let seed: UInt64
    private let log: @Sendable (String) -> Void
    private let applied = Mutex<[AppliedFault]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Lasting faults started and not yet ended, to end at `finish()` if the round stops first.
    private let active = Mutex<[(fault: Fault, nodes: [NodeAddress])]>([])
    /// Watchers of restarted nodes catching up, awaited by `finish`.
    private let catchUps = Mutex<[Task<Void, Never>]>([])
    private let roundStart = Mutex<ContinuousClock.Instant?>(nil)

    init(faults: [Fault], federation: any BenchmarkFederation, outages: PlannedOutages, seed: UInt64,
         log: @escaping @Sendable (String) -> Void) {
        self.faults = faults
        self.federation = federation
        self.outages = outages
        self.seed = seed
        self.log = log
    }

    /// Starts the schedule; `start` is the round's start.
    func begin(at start: ContinuousClock.Instant) {
        roundStart.withLock { $0 = start }
        var events: [(at: Duration, fault: Fault, ending: Bool)] = []
        for fault in faults {
            events.append((fault.at, fault, false))
            if let end = fault.end { events.append((end, fault, true)) }
        }
        events.sort { $0.at < $1.at || ($0.at == $1.at && $0.ending && !$1.ending) }
        let runner = Task { [self] in
            for event in events {
                try? await Task.sleep(until: start.advanced(by: event.at), clock: .continuous)
                if Task.isCancelled { return }
                let seconds = Double((ContinuousClock.now - start).components.seconds)
                    + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
                if event.ending { await end(event.fault, seconds: seconds) } else { await apply(event.fault, seconds: seconds) }
            }
        }
        task.withLock { $0 = runner }
    }

    /// Stops the schedule, ends lasting faults still on, and returns every action taken.
    func finish(roundSeconds: Double) async -> [AppliedFault] {
        let runner = task.withLock { $0 }
        runner?.cancel()
        await runner?.value
        for (fault, _) in active.withLock({ $0 }) { await end(fault, seconds: roundSeconds) }
        // A restarted node may still be catching up after the round: wait for it (bounded).
        for watcher in catchUps.withLock({ $0 }) { await watcher.value }
        return applied.withLock { $0 }.sorted { $0.seconds < $1.seconds }
    }

    private func record(_ entry: AppliedFault) {
        applied.withLock { $0.append(entry) }
        let nodes = entry.nodes.isEmpty ? "" : " on " + entry.nodes.joined(separator: ", ")
        if let error = entry.error {
            log("FAULT FAILED at \(String(format: "%.1f", entry.seconds)) s: \(entry.fault)\(nodes): \(error)")
        } else {
            log("fault at \(String(format: "%.1f", entry.seconds)) s: \(entry.kind)\(nodes) (\(entry.fault))")
        }
    }

    private func apply(_ fault: Fault, seconds: Double) async {
        let name = fault.action.description
        do {
            switch fault.action {
            case .crash(let target):
                let node = try await resolve(target)
                try await federation.crashNode(node)
                outages.crashed(node, under: target.description, by: "\(name) at \(String(format: "%.1f", seconds)) s")
                record(AppliedFault(seconds: seconds, fault: name, kind: "crash", nodes: [node.name]))
            case .restart(let target):
                guard let node = outages.takeCrashed(under: target.description) else {
                    throw FaultInjectionError("no node crashed under \(target) is down")
                }
                // The height the others have when it comes back is what it must catch up to.
                let others = federation.plan.nodeAddresses.filter { $0 != node && outages.down[$0] == nil }
                let target = await withTaskGroup(of: UInt64.self) { group in
                    for other in others { group.addTask { [federation] in await federation.chainState(of: other)?.height ?? 0 } }
                    return await group.reduce(0) { max($0, $1) }
                }
                try await federation.restartNode(node)
                record(AppliedFault(seconds: seconds, fault: name, kind: "restart", nodes: [node.name]))
                watchCatchUp(of: node, to: target, fault: name)
            case .pause(let target):
                let node = try await resolve(target)
                try await federation.pauseNode(node, paused: true)
                active.withLock { $0.append((fault, [node])) }
                record(AppliedFault(seconds: seconds, fault: name, kind: "pause", nodes: [node.name]))
            case .partition(let groups):
                let all = federation.plan.nodeAddresses
                let named = Set(groups.flatMap { $0 }.filter { $0 != "rest" })
                let resolved: [[NodeAddress]] = groups.map { (group: [String]) -> [NodeAddress] in
                    if group == ["rest"] { return all.filter { !named.contains($0.name) } }
                    return group.map { NodeAddress($0) }
                }
                try await federation.partitionNetwork(resolved)
                active.withLock { $0.append((fault, resolved.flatMap { $0 })) }
                record(AppliedFault(seconds: seconds, fault: name, kind: "partition",
                                    nodes: resolved.map { (group: [NodeAddress]) in "[" + group.map { $0.name }.joined(separator: " ") + "]" }))
            case .slow(let target, let latency):
                let node = try await resolve(target)
                try await federation.slowNode(node, latency: latency)
                active.withLock { $0.append((fault, [node])) }
                record(AppliedFault(seconds: seconds, fault: name, kind: "slow", nodes: [node.name]))
            }
        } catch {
            record(AppliedFault(seconds: seconds, fault: name, kind: fault.action.kind, nodes: [], error: "\(error)"))
        }
    }

    /// Watches a restarted node until its chain reaches `height`, and records when it did
    /// (`caught-up`); bounded by `catchUpLimit`.
    private func watchCatchUp(of node: NodeAddress, to height: UInt64, fault: String) {
        let clock = ContinuousClock()
        let started = clock.now
        let watcher = Task { [self] in
            while !Task.isCancelled, clock.now - started < Self.catchUpLimit {
                if let state = await federation.chainState(of: node), state.height >= height {
                    let offset = roundStart.withLock { $0 }.map { clock.now - $0 } ?? .zero
                    record(AppliedFault(seconds: Double(offset.components.seconds) + Double(offset.components.attoseconds) / 1e18,
                                        fault: fault, kind: "caught-up", nodes: [node.name]))
                    return
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        catchUps.withLock { $0.append(watcher) }
    }

    /// How long a restarted node is watched for catching up.
    static let catchUpLimit: Duration = .seconds(120)

    private func end(_ fault: Fault, seconds: Double) async {
        guard let index = active.withLock({ $0.firstIndex { $0.fault == fault } }) else { return }
        let (_, nodes) = active.withLock { $0.remove(at: index) }
        let name = fault.action.description
        do {
            switch fault.action {
            case .pause:
                for node in nodes { try await federation.pauseNode(node, paused: false) }
                record(AppliedFault(seconds: seconds, fault: name, kind: "resume", nodes: nodes.map(\.name)))
            case .partition:
                try await federation.partitionNetwork(nil)
                record(AppliedFault(seconds: seconds, fault: name, kind: "heal", nodes: []))
            case .slow:
                for node in nodes { try await federation.slowNode(node, latency: nil) }
                record(AppliedFault(seconds: seconds, fault: name, kind: "unslow", nodes: nodes.map(\.name)))
            case .crash, .restart:
                break
            }
        } catch {
            record(AppliedFault(seconds: seconds, fault: name, kind: "end of \(fault.action.kind)", nodes: nodes.map(\.name),
                                error: "\(error)"))
        }
    }

    /// The node a target names now: a selector is resolved against the running federation.
    private func resolve(_ target: FaultTarget) async throws -> NodeAddress {
        let down = outages.down
        let plan = federation.plan
        switch target {
        case .node(let name):
            let node = NodeAddress(name)
            if let fault = down[node] { throw FaultInjectionError("\(name) is down (\(fault))") }
            return node
        case .ordererLeader:
            guard let leader = await federation.awaitLeader(timeout: .seconds(2)) else {
                throw FaultInjectionError("no orderer leads within 2 s")
            }
            return leader
        case .ordererFollower:
            let leader = await federation.awaitLeader(timeout: .seconds(2))
            let followers = plan.members.orderers.filter { $0 != leader && down[$0] == nil }
            guard !followers.isEmpty else { throw FaultInjectionError("no orderer follows") }
            var generator = SeededGenerator(seed: seed ^ 0xF011_0000)
            return followers[Int(generator.next() % UInt64(followers.count))]
        case .role(let role, let index):
            var candidates = plan.nodeAddresses.filter { $0.name.hasPrefix(role) }
            var generator = SeededGenerator(seed: seed ^ UInt64(role.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
            candidates.shuffle(using: &generator)
            guard index < candidates.count else { throw FaultInjectionError("\(target): the network has \(candidates.count) \(role)(s)") }
            let node = candidates[index]
            if let fault = down[node] { throw FaultInjectionError("\(node.name) (\(target)) is down (\(fault))") }
            return node
        }
    }
}
