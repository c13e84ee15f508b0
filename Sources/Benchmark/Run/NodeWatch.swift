import Foundation
import Synchronization
package import Federation
package import Results

/// Watches a repetition's federations for nodes that end without a planned fault, and says so at
/// once: each such end is logged within about `pollInterval` and kept as an incident.
package final class NodeWatch: Sendable {
    /// How often each federation is asked which nodes ended.
    package static let pollInterval: Duration = .milliseconds(500)

    private struct State {
        var federations: [(name: String?, federation: any BenchmarkFederation)] = []
        var incidents: [NodeIncident] = []
        var round: String?
    }

    private let state = Mutex(State())
    private let start = ContinuousClock.now
    private let log: @Sendable (String) -> Void
    private let task = Mutex<Task<Void, Never>?>(nil)

    package init(log: @escaping @Sendable (String) -> Void) {
        self.log = log
        let poller = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.pollInterval)
                await self?.poll()
            }
        }
        task.withLock { $0 = poller }
    }

    /// Watches `federation`, named `network` when the file names several.
    package func watch(_ federation: any BenchmarkFederation, network: String?) {
        state.withLock { state in
            guard !state.federations.contains(where: { $0.federation === federation }) else { return }
            state.federations.append((network, federation))
        }
    }

    /// The round now running (nil between rounds), for the incidents' context.
    package func setRound(_ label: String?) { state.withLock { $0.round = label } }

    /// Asks every federation once more, stops watching and returns every incident.
    package func finish() async -> [NodeIncident] {
        task.withLock { $0?.cancel() }
        await poll()
        return state.withLock { $0.incidents }
    }

    /// The incidents so far.
    package var incidents: [NodeIncident] { state.withLock { $0.incidents } }

    private func poll() async {
        let federations = state.withLock { $0.federations }
        for (network, federation) in federations {
            for (node, exit) in await federation.unplannedExits() {
                let seconds = Double((ContinuousClock.now - start).components.seconds)
                    + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
                var exitStatus: Int32?
                var signal: Int32?
                switch exit {
                case .exited(let status): exitStatus = status
                case .signalled(let number): signal = number
                case .unreachable: break
                }
                let incident = state.withLock { state in
                    let incident = NodeIncident(node: node.name, network: network, seconds: seconds, round: state.round,
                                                cause: exit.description, exitStatus: exitStatus, signal: signal)
                    state.incidents.append(incident)
                    return incident
                }
                log("NODE DIED: \(incident.line); no fault asked for it: the run will fail")
            }
        }
    }
}
