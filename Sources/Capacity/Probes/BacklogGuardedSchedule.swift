import Load
import Synchronization

/// Stops releasing once the backlog passes its limit after the warm-up; a fixed rate otherwise.
struct BacklogGuardedSchedule: RateSchedule {
    let rate: FixedRateSchedule
    let guardAfterNanoseconds: UInt64
    let backlogLimit: Int
    let tripped: Trip

    /// Set once when the guard stops the probe.
    final class Trip: Sendable {
        let value = Atomic<Bool>(false)
    }

    mutating func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        if observation.nowNanoseconds >= guardAfterNanoseconds, observation.inFlight > backlogLimit {
            tripped.value.store(true, ordering: .relaxed)
            return .finished
        }
        return rate.next(observation)
    }
}
