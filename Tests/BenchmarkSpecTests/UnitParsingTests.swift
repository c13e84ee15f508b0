import Testing
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// Durations, sizes and suggestions in isolation.
@Suite("Units and suggestions")
struct UnitParsingTests {
    @Test(
        "valid durations",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("2s", .seconds(2)), ("1.5s", .milliseconds(1500)),
            ("1m", .seconds(60)), ("2h", .seconds(7200)), ("10us", .microseconds(10)), ("7ns", .nanoseconds(7)),
            ("0ms", .zero), ("0.25m", .seconds(15)), ("1.0000000001s", .nanoseconds(1_000_000_000)),
        ]
    )
    func validDuration(text: String, expected: Duration) {
        #expect(Duration(benchmarkText: text) == expected)
    }

    @Test(
        "invalid durations",
        arguments: ["5 seconds", "5", "-1s", "5sec", "s", "1.s", ".5s", "1..5s", "", "1S", "1e3ms", " 1s", "1s ", "+1s"]
    )
    func invalidDuration(text: String) {
        #expect(Duration(benchmarkText: text) == nil)
    }

    @Test(
        "durations print compactly",
        arguments: [
            (Duration.milliseconds(250), "250ms"), (.milliseconds(1500), "1.5s"), (.seconds(60), "1m"),
            (.zero, "0s"), (.seconds(5400), "1.5h"), (.microseconds(500), "500us"),
        ]
    )
    func durationText(duration: Duration, expected: String) {
        #expect(duration.benchmarkText == expected)
    }

    @Test(
        "valid sizes",
        arguments: [
            ("2MiB", 2 * 1024 * 1024), ("512KB", 512_000), ("1GB", 1_000_000_000), ("1GiB", 1 << 30),
            ("100B", 100), ("1.5KiB", 1536), ("0B", 0), ("3MB", 3_000_000),
        ]
    )
    func validSize(text: String, expected: Int) {
        #expect(ByteCount.parse(text) == expected)
    }

    @Test("invalid sizes", arguments: ["2 MiB", "2mib", "MiB", "-1KB", "1.5B", "2TB", "", "12", "1e3B"])
    func invalidSize(text: String) {
        #expect(ByteCount.parse(text) == nil)
    }

    @Test("sizes print compactly", arguments: [(2 << 20, "2MiB"), (512_000, "512KB"), (1000, "1KB"), (7, "7B"), (0, "0B")])
    func sizeText(bytes: Int, expected: String) {
        #expect(ByteCount.text(bytes: bytes) == expected)
    }

    @Test(
        "suggestions find the closest allowed word",
        arguments: [
            ("startingTps", ["startTps", "transactionLoad"], "startTps"),
            ("txNumbr", ["label", "txNumber", "txDuration"], "txNumber"),
            ("rateControll", ["rateControl", "workload"], "rateControl"),
            ("organisations", ["consensus", "organizations"], "organizations"),
            ("TXNUMBER", ["txNumber", "txDuration"], "txNumber"),
            ("tsp", ["tps"], "tps"),
            ("fixed-rat", RateControl.typeNames, "fixed-rate"),
        ]
    )
    func suggestion(word: String, candidates: [String], expected: String) {
        #expect(Suggestion.closest(to: word, among: candidates) == expected)
    }

    @Test("no suggestion when nothing is close", arguments: ["paxos", "zzz", "completelyDifferent"])
    func noSuggestion(word: String) {
        #expect(Suggestion.closest(to: word, among: ["raft", "pow", "none", "name", "seed"]) == nil)
    }

    @Test(
        "edit distance",
        arguments: [("kitten", "sitting", 3), ("", "abc", 3), ("abc", "abc", 0), ("ab", "ba", 1), ("flaw", "lawn", 2)]
    )
    func editDistance(left: String, right: String, expected: Int) {
        #expect(Suggestion.editDistance(left, right) == expected)
    }
}
