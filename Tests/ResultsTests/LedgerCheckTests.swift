import Testing
@testable import Results
@testable import Statistics

/// The one rule that decides whether a run's nodes ended on the same ledger.
@Suite("Ledger check")
struct LedgerCheckTests {
    static func node(_ name: String, height: UInt64 = 7, head: String = "aa", digest: String? = "d1") -> NodeReport {
        NodeReport(name: name, height: height, headHash: head, stateDigest: digest, processId: nil)
    }

    @Test func peersOnOneChainAndStateAgreeWhateverTheOrderersKeep() {
        // Raft orderers keep no world state: their nil digest is not a disagreement.
        #expect(LedgerCheck.agree([Self.node("orderer0", digest: nil), Self.node("peer0"), Self.node("peer1")]))
    }

    @Test func anyDifferenceInHeightHeadOrStateIsADisagreement() {
        #expect(!LedgerCheck.agree([Self.node("peer0"), Self.node("peer1", height: 8)]))
        #expect(!LedgerCheck.agree([Self.node("peer0"), Self.node("peer1", head: "bb")]))
        #expect(!LedgerCheck.agree([Self.node("peer0"), Self.node("peer1", digest: "d2")]))
    }

    @Test func nodesThatKeepNoStateCannotProveTheStateAgrees() {
        // Nothing vouches for the world state, so the check cannot pass (it once did in the
        // terminal while run.json said the run was inconsistent).
        #expect(!LedgerCheck.agree([Self.node("orderer0", digest: nil), Self.node("orderer1", digest: nil)]))
        #expect(!LedgerCheck.agree([]))
    }
}

/// Every file and page labels the confidence level by one rule.
@Suite("Interval columns")
struct IntervalColumnsTests {
    @Test func theLevelIsNeverRounded() {
        #expect(IntervalColumns.levelLabel(0.95) == "95%")
        #expect(IntervalColumns.levelLabel(0.995) == "99.5%")
        #expect(IntervalColumns.header("p99 Latency (s)", confidence: 0.995)
            == ["p99 Latency (s)", "p99 Latency (s) sd", "p99 Latency (s) 99.5% low", "p99 Latency (s) 99.5% high"])
    }

    @Test func aSingleRepetitionHasAMeanAndNoInterval() throws {
        let one = try #require(ConfidenceInterval(samples: [2.5], confidence: 0.95))
        #expect(IntervalColumns.cells(one) == ["2.5", "", "", ""])
        #expect(IntervalColumns.cells(nil) == ["", "", "", ""])
        let three = try #require(ConfidenceInterval(samples: [1, 2, 3], confidence: 0.95))
        #expect(IntervalColumns.cells(three).count == 4 && !IntervalColumns.cells(three)[3].isEmpty)
    }
}

/// Tables in the terminal and in pull-request comments.
@Suite("Text tables")
struct TextTableTests {
    @Test func boxedTablesAlignNumbersRightAndNamesLeft() {
        #expect(TextTable.boxed([["Name", "TPS"], ["open", "5"], ["transfer", "250"]]) == [
            "| Name     | TPS |",
            "|----------|-----|",
            "| open     |   5 |",
            "| transfer | 250 |",
        ])
    }

    @Test func markdownTablesHaveARuleUnderTheHeader() {
        #expect(TextTable.markdown([["a", "b"], ["1", "2"]]) == ["| a | b |", "|---|---|", "| 1 | 2 |"])
    }
}
