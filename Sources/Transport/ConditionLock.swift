#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a waiter decides after looking at the state under a ``ConditionLock``.
enum WaitDecision<Result> {
    /// Stop waiting and return this result.
    case finish(Result)
    /// Sleep until signalled, then look again.
    case waitForSignal
    /// Sleep until signalled or until this instant, then look again.
    case waitForSignalOrDeadline(ContinuousClock.Instant)
}

/// State guarded by a mutex with a condition variable, so a dedicated thread can sleep until the state
/// changes or a deadline passes (`Synchronization.Mutex` has no condition variable).
///
/// `@unchecked Sendable`: the pthread mutex and condition variable live at fixed heap addresses and are
/// only used through the pthread calls below, and `state` is only read or written while the mutex is
/// held. `State` itself must be `Sendable`, so nothing handed out of the lock is shared unsafely.
final class ConditionLock<State: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    /// Creates a lock guarding `initialState`; timed waits use the monotonic clock.
    init(_ initialState: State) {
        state = initialState
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if os(Linux)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        precondition(pthread_cond_init(condition, &attributes) == 0, "pthread_cond_init failed")
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deinitialize(count: 1)
        mutex.deinitialize(count: 1)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the state.
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Runs `decide` under the lock until it finishes, sleeping between tries as it asks.
    ///
    /// Wake-ups may be spurious or early, so `decide` must look at the state and the clock each time.
    func withLockWaiting<Result>(_ decide: (inout State) -> WaitDecision<Result>) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            switch decide(&state) {
            case .finish(let result):
                return result
            case .waitForSignal:
                pthread_cond_wait(condition, mutex)
            case .waitForSignalOrDeadline(let deadline):
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { continue }
                var wakeTime = Self.monotonicTime(after: remaining)
                pthread_cond_timedwait(condition, mutex, &wakeTime)
            }
        }
    }

    /// Wakes every thread waiting in ``withLockWaiting(_:)``; call it after changing the state.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }

    /// The monotonic clock's reading `delay` from now, as the absolute time a timed wait expects.
    private static func monotonicTime(after delay: Duration) -> timespec {
        var now = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC, &now)
        #else
        clock_gettime(CLOCK_REALTIME, &now)
        #endif
        let delayNanoseconds = min(delay.wholeNanoseconds, 3_600 * 1_000_000_000)
        let totalNanoseconds = Int64(now.tv_nsec) + delayNanoseconds % 1_000_000_000
        var wakeTime = timespec()
        wakeTime.tv_sec = now.tv_sec + Int(delayNanoseconds / 1_000_000_000 + totalNanoseconds / 1_000_000_000)
        wakeTime.tv_nsec = Int(totalNanoseconds % 1_000_000_000)
        return wakeTime
    }
}
