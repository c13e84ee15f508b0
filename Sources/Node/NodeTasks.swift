/// The loops of a running node (inbox, timers, mining), started once and cancelled together.
struct NodeTasks: Sendable {
    private var running: [Task<Void, Never>] = []

    var isEmpty: Bool { running.isEmpty }

    mutating func start(_ operations: [@Sendable () async -> Void]) {
        guard running.isEmpty else { return }
        running = operations.map { operation in Task { await operation() } }
    }

    /// Cancels every loop; the caller awaits the returned tasks to know they ended.
    mutating func cancelAll() -> [Task<Void, Never>] {
        let stopping = running
        running = []
        for task in stopping { task.cancel() }
        return stopping
    }
}
