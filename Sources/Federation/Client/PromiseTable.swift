import Transport
/// Results that arrive for keys, and the tasks waiting for them, in either order.
///
/// A key is registered before its request is sent; the answer may come before or after someone
/// awaits it. Each registered key is resolved exactly once: by its answer, or by its deadline.
struct PromiseTable<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private enum Slot {
        case pending(deadline: ContinuousClock.Instant)
        case waiting(deadline: ContinuousClock.Instant, CheckedContinuation<Value?, Never>)
        case resolved(Value?)
    }

    private var slots: [Key: Slot] = [:]
    /// Deadlines in a min-heap; entries whose key was resolved are skipped when they come up.
    private var deadlines = TimedQueue<UInt64, Key>()
    /// The instant deadlines are counted from (they all lie after it).
    private let epoch = ContinuousClock.now

    var count: Int { slots.count }

    func contains(_ key: Key) -> Bool { slots[key] != nil }

    /// Registers a key that must be answered by `deadline`; false if it is already registered.
    mutating func register(_ key: Key, deadline: ContinuousClock.Instant) -> Bool {
        guard slots[key] == nil else { return false }
        slots[key] = .pending(deadline: deadline)
        deadlines.schedule(key, at: nanoseconds(deadline))
        return true
    }

    /// Delivers an answer; returns the continuation to resume (outside any lock), if one waits.
    mutating func resolve(_ key: Key, with value: Value?) -> CheckedContinuation<Value?, Never>? {
        switch slots[key] {
        case .pending:
            slots[key] = .resolved(value)
            return nil
        case .waiting(_, let continuation):
            slots[key] = nil
            return continuation
        case .resolved, nil:
            return nil
        }
    }

    /// Takes the answer if it is in, or parks the continuation; returns the value to resume with now.
    mutating func await(_ key: Key, _ continuation: CheckedContinuation<Value?, Never>) -> (resumeNow: Bool, value: Value?) {
        switch slots[key] {
        case .pending(let deadline):
            slots[key] = .waiting(deadline: deadline, continuation)
            return (false, nil)
        case .resolved(let value):
            slots[key] = nil
            return (true, value)
        case .waiting, nil:
            return (true, nil)
        }
    }

    /// Forgets a key nobody will await.
    mutating func cancel(_ key: Key) -> CheckedContinuation<Value?, Never>? {
        defer { slots[key] = nil }
        if case .waiting(_, let continuation) = slots[key] { return continuation }
        return nil
    }

    /// Resolves every key whose deadline has passed with nil; returns the continuations to resume.
    /// Only the expired keys are visited: a deadline heap, not a scan of everything in flight.
    mutating func expire(at now: ContinuousClock.Instant) -> [CheckedContinuation<Value?, Never>] {
        var expired: [CheckedContinuation<Value?, Never>] = []
        let limit = nanoseconds(now)
        while let (time, key) = deadlines.peek(), time <= limit {
            _ = deadlines.pop()
            switch slots[key] {
            case .pending(let deadline) where deadline <= now:
                slots[key] = .resolved(nil)
            case .waiting(let deadline, let continuation) where deadline <= now:
                slots[key] = nil
                expired.append(continuation)
            default:
                break  // answered already, or registered again with a later deadline
            }
        }
        return expired
    }

    /// A deadline as nanoseconds since this table's epoch, for the heap's ordering.
    private func nanoseconds(_ instant: ContinuousClock.Instant) -> UInt64 {
        (instant - epoch).nonNegativeNanoseconds
    }
}
