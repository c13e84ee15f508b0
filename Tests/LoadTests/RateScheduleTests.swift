import Foundation
import Testing
@testable import BenchmarkSpec
@testable import Load

/// Steps a schedule against a simulated target with the given latency, on a test clock.
/// Returns each release's intended time and the in-flight count just after it.
func simulate(_ initial: any RateSchedule, releases: Int, untilNanoseconds: UInt64 = .max,
              latencyNanoseconds: (Int) -> UInt64) -> [(intended: UInt64, releasedAt: UInt64, inFlight: Int)] {
    var schedule = initial
    var now: UInt64 = 0
    var finishes: [UInt64] = []
    var finished = 0
    var releases_: [(UInt64, UInt64, Int)] = []
    func settle(upTo time: UInt64) {
        finishes.sort()
        while let first = finishes.first, first <= time {
            finishes.removeFirst()
            finished += 1
        }
    }
    var steps = 0
    while releases_.count < releases, steps < releases * 10 + 100 {
        steps += 1
        settle(upTo: now)
        let observation = ScheduleObservation(released: releases_.count, nowNanoseconds: now, inFlight: finishes.count,
                                              finished: finished, succeeded: finished)
        switch schedule.next(observation) {
        case .finished:
            return releases_
        case .afterNextFinish:
            finishes.sort()
            guard let next = finishes.first else { return releases_ }
            now = max(now, next)
        case .at(let intended):
            guard intended < untilNanoseconds else { return releases_ }
            now = max(now, intended)
            settle(upTo: now)
            finishes.append(now + latencyNanoseconds(releases_.count))
            releases_.append((intended, now, finishes.count))
        }
    }
    return releases_
}

@Suite("Rate schedules")
struct RateScheduleTests {
    @Test func fixedRateIsExactlyOneOverTpsApart() {
        let releases = simulate(FixedRateSchedule(tps: 50), releases: 200) { _ in 1_000_000_000 }
        #expect(releases.count == 200)
        for (previous, next) in zip(releases, releases.dropFirst()) {
            #expect(next.intended - previous.intended == 20_000_000)
        }
        #expect(releases[0].intended == 0)
    }

    @Test(arguments: [(10.0, 100.0), (100.0, 10.0), (0.0, 50.0), (40.0, 40.0)])
    func linearRateRisesLinearlyInTime(start: Double, finish: Double) {
        let count = 2_000
        let schedule = LinearRateSchedule(startingTps: start, finishingTps: finish, budget: .transactions(count))
        let releases = simulate(schedule, releases: count) { _ in 1 }
        #expect(releases.count == count)
        // The instantaneous rate between neighbours matches start + (finish - start) t / T.
        for index in stride(from: 100, to: count - 1, by: 97) {
            let gap = Double(releases[index + 1].intended - releases[index].intended) / 1e9
            let midpoint = Double(releases[index].intended + releases[index + 1].intended) / 2e9
            let expected = start + (finish - start) * midpoint / schedule.seconds
            #expect(abs(1 / gap - expected) / expected < 0.01, "at \(index): \(1 / gap) tps, expected \(expected)")
        }
        // The ramp ends where it should: count transactions in 2N / (start + finish) seconds.
        #expect(abs(Double(releases.last!.intended) / 1e9 - schedule.seconds) / schedule.seconds < 0.01)
    }

    @Test func linearRateOverADuration() {
        let schedule = LinearRateSchedule(startingTps: 0, finishingTps: 100, budget: .nanoseconds(10_000_000_000))
        let releases = simulate(schedule, releases: 10_000, untilNanoseconds: 10_000_000_000) { _ in 1 }
        // The integral of a 0 -> 100 tps ramp over 10 s is 500 transactions.
        #expect(abs(releases.count - 500) <= 1)
    }

    @Test func fixedLoadHoldsItsInFlightCount() {
        // Distinct latencies, so no two transactions finish at the same instant.
        let releases = simulate(FixedLoadSchedule(startTps: 1_000, transactionLoad: 8), releases: 500) { index in
            UInt64(20_000_000 + (index % 7) * 3_000_000 + index * 1_001)
        }
        #expect(releases.count == 500)
        #expect(releases.allSatisfy { $0.inFlight <= 8 })
        #expect(releases.dropFirst(20).allSatisfy { $0.inFlight == 8 })
    }

    @Test func fixedFeedbackRateKeepsIntendedTimesWhenHeldBack() {
        let releases = simulate(FixedFeedbackRateSchedule(tps: 100, transactionLoad: 2), releases: 50) { _ in 100_000_000 }
        #expect(releases.allSatisfy { $0.inFlight <= 2 })
        // Intended times stay on the 10 ms grid; releases fall behind it.
        #expect(releases.enumerated().allSatisfy { $0.element.intended == UInt64($0.offset) * 10_000_000 })
        #expect(releases.last!.releasedAt > releases.last!.intended)
    }

    @Test func compositeRespectsItsWeights() throws {
        let control = RateControl.composite(weights: [1, 3], controllers: [.fixedRate(tps: 10), .fixedRate(tps: 100)])
        var schedule = try #require(try control.makeSchedule(length: .transactions(400), baseDirectory: "/") as? CompositeSchedule)
        var parts: [Int] = []
        var now: UInt64 = 0
        for released in 0..<400 {
            let decision = schedule.next(ScheduleObservation(released: released, nowNanoseconds: now, inFlight: 0, finished: released, succeeded: released))
            guard case .at(let intended) = decision else { Issue.record("no release at \(released)"); return }
            now = max(now, intended)
            parts.append(schedule.currentPart)
        }
        #expect(parts.count { $0 == 0 } == 100)
        #expect(parts.count { $0 == 1 } == 300)
        let finished = schedule.next(ScheduleObservation(released: 400, nowNanoseconds: now, inFlight: 0, finished: 400, succeeded: 400))
        #expect(finished == .finished)
    }

    @Test func compositeOverADurationSplitsTheTime() throws {
        let control = RateControl.composite(weights: [1, 1], controllers: [.fixedRate(tps: 10), .fixedRate(tps: 100)])
        let schedule = try control.makeSchedule(length: .duration(.seconds(2)), baseDirectory: "/")
        let releases = simulate(schedule, releases: 10_000, untilNanoseconds: 2_000_000_000) { _ in 1 }
        let first = releases.count { $0.intended < 1_000_000_000 }
        #expect(first == 10)
        #expect(releases.count - first == 100)
    }

    @Test func replayFollowsTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "intended_seconds\n0\n0.5\n0.5\n1.25\n".write(to: directory.appendingPathComponent("times.csv"), atomically: true, encoding: .utf8)
        let schedule = try RateControl.replayRate(ReplayTrace(path: "times.csv")).makeSchedule(length: .transactions(10), baseDirectory: directory.path)
        let releases = simulate(schedule, releases: 10) { _ in 1 }
        #expect(releases.map(\.intended) == [0, 500_000_000, 500_000_000, 1_250_000_000])

        try "0\n2\n1\n".write(to: directory.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        #expect(throws: ScheduleError.notInOrder(path: directory.path + "/bad.csv", line: 3)) {
            try RateControl.replayRate(ReplayTrace(path: "bad.csv")).makeSchedule(length: .transactions(10), baseDirectory: directory.path)
        }
        try "0\nsoon\n".write(to: directory.appendingPathComponent("words.csv"), atomically: true, encoding: .utf8)
        #expect(throws: ScheduleError.self) {
            try RateControl.replayRate(ReplayTrace(path: "words.csv")).makeSchedule(length: .transactions(10), baseDirectory: directory.path)
        }
    }

    @Test func caliperTracesRoundTripInEachFormat() throws {
        let times: [UInt64] = [0, 17_000_000, 17_000_000, 33_000_000, 4_000_000_000]
        for format in [SendTimeFormat.millisecondsText, .millisecondsBinaryBigEndian, .millisecondsBinaryLittleEndian] {
            let bytes = SendTimeFile.encode(times, format: format)
            #expect(try SendTimeFile.decode(bytes, format: format, path: "t") == times, "\(format)")
        }
        // Caliper's layouts, byte for byte: a count, then each time in milliseconds.
        #expect(SendTimeFile.encode([17_900_000], format: .millisecondsBinaryBigEndian) == [0, 0, 0, 1, 0, 0, 0, 17])
        #expect(SendTimeFile.encode([17_900_000], format: .millisecondsBinaryLittleEndian) == [1, 0, 0, 0, 17, 0, 0, 0])
        #expect(SendTimeFile.encode([5_000_000, 2_000_000_000], format: .millisecondsText) == Array("5\n2000\n".utf8))
        let seconds = SendTimeFile.encode([1_500_000_000], format: .secondsCSV)
        #expect(try SendTimeFile.decode(seconds, format: .secondsCSV, path: "t") == [1_500_000_000])
    }

    @Test func badTracesAreClearErrors() {
        #expect(throws: ScheduleError.badBinary(path: "t", reason: "its count says 2 times (12 bytes), the file has 8 bytes")) {
            try SendTimeFile.decode([0, 0, 0, 2, 0, 0, 0, 1], format: .millisecondsBinaryBigEndian, path: "t")
        }
        #expect(throws: ScheduleError.badBinary(path: "t", reason: "shorter than its 4-byte count")) {
            try SendTimeFile.decode([0, 0], format: .millisecondsBinaryLittleEndian, path: "t")
        }
        #expect(throws: ScheduleError.badLine(path: "t", line: 2, text: "1.5", expected: "a whole number of milliseconds")) {
            try SendTimeFile.decode(Array("1\n1.5\n".utf8), format: .millisecondsText, path: "t")
        }
        #expect(throws: ScheduleError.notInOrder(path: "t", line: 2)) {
            try SendTimeFile.decode([0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0, 3], format: .millisecondsBinaryBigEndian, path: "t")
        }
    }

    @Test func caliperReplayGoesOnAtItsDefaultSleepOnceTheTraceEnds() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(SendTimeFile.encode([0, 10_000_000, 40_000_000], format: .millisecondsBinaryLittleEndian))
            .write(to: directory.appendingPathComponent("trace.bin"))
        let trace = ReplayTrace(path: "trace.bin", format: .millisecondsBinaryLittleEndian, intervalAfterTrace: .milliseconds(100))
        let schedule = try RateControl.replayRate(trace).makeSchedule(length: .duration(.seconds(1)), baseDirectory: directory.path)
        let releases = simulate(schedule, releases: 100, untilNanoseconds: 300_000_000) { _ in 1 }
        #expect(releases.map(\.intended) == [0, 10_000_000, 40_000_000, 140_000_000, 240_000_000])
    }

    @Test func maximumRateClimbsUntilThroughputStopsFollowing() {
        // A target that completes at most 300 tx/s: the rate climbs by 50 per second, then holds.
        var schedule = MaximumRateSchedule(tps: 100, step: 50, sampleInterval: .seconds(1), includeFailed: true)
        var now: UInt64 = 0
        var completions: [UInt64] = []
        var nextFree: UInt64 = 0
        var released = 0
        while now < 20_000_000_000 {
            let finished = completions.count { $0 <= now }
            guard case .at(let intended) = schedule.next(ScheduleObservation(
                released: released, nowNanoseconds: now, inFlight: 0, finished: finished, succeeded: finished)) else { break }
            now = max(now, intended)
            nextFree = max(nextFree, now) + 3_333_333
            completions.append(nextFree)
            released += 1
        }
        #expect(schedule.rate >= 250 && schedule.rate <= 400, "held at \(schedule.rate)")
    }

    @Test func zeroRateSendsNothing() {
        #expect(simulate(ZeroRateSchedule(), releases: 10) { _ in 1 }.isEmpty)
    }
}
