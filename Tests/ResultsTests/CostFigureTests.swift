import Testing
import Monitor
@testable import Results

@Suite("Cost per transaction")
struct CostFigureTests {
    static func node(_ name: String, cpuSeconds: Double, bytesIn: Double = 0, bytesOut: Double = 0, diskWritten: Double = 0,
                     memoryMaxBytes: Double = 50e6, scope: MemoryScope = .sharedProcess) -> NodeResourceFigures {
        NodeResourceFigures(node: name, cpuSeconds: cpuSeconds, cpuMeanPercent: 0, cpuMaxPercent: 0, memoryMeanBytes: memoryMaxBytes,
                            memoryMaxBytes: memoryMaxBytes, networkInBytes: bytesIn, networkOutBytes: bytesOut, diskReadBytes: 0,
                            diskWrittenBytes: diskWritten, memoryScope: scope, diskSource: .storeCounters,
                            networkSource: .transportCounters)
    }

    @Test func costsDivideEachNodesWorkByTheTransactionsTheLedgerCarried() throws {
        let resources = RoundResourceReport(label: "open", nodes: [
            Self.node("orderer0", cpuSeconds: 0.2, bytesIn: 300_000, bytesOut: 700_000, diskWritten: 650_000),
            Self.node("peer0", cpuSeconds: 0.5, bytesIn: 500_000, bytesOut: 200_000, diskWritten: 350_000),
            Self.node("process", cpuSeconds: 1.5, memoryMaxBytes: 64e6),
        ])
        let costs = RoundCost.costs(of: resources, transactions: 1000)
        #expect(costs.map(\.scope) == ["federation", "orderer0", "peer0"])
        let federation = costs[0]
        #expect(abs(CostFigure.cpuPerTransaction.value(of: federation) - 700) < 1e-9)
        #expect(CostFigure.bytesReceivedPerTransaction.value(of: federation) == 800)
        #expect(CostFigure.bytesSentPerTransaction.value(of: federation) == 900)
        #expect(CostFigure.diskWrittenPerTransaction.value(of: federation) == 1000)
        // In process the nodes share one process: only the federation has a peak, the process's.
        #expect(CostFigure.peakMemory.value(of: federation) == 64)
        #expect(CostFigure.peakMemory.value(of: costs[1]).isNaN)
        #expect(abs(CostFigure.cpuPerTransaction.value(of: costs[2]) - 500) < 1e-9)
    }

    @Test func processNodesSumTheirOwnPeaks() {
        let resources = RoundResourceReport(label: "open", nodes: [
            Self.node("orderer0", cpuSeconds: 1, memoryMaxBytes: 30e6, scope: .process),
            Self.node("peer0", cpuSeconds: 1, memoryMaxBytes: 40e6, scope: .process),
            Self.node("process", cpuSeconds: 1, memoryMaxBytes: 90e6, scope: .process),
        ])
        let costs = RoundCost.costs(of: resources, transactions: 10)
        #expect(CostFigure.peakMemory.value(of: costs[0]) == 70)
        #expect(CostFigure.peakMemory.value(of: costs[1]) == 30)
    }

    @Test func aRoundThatCarriedNothingHasNoCostPerTransaction() {
        let resources = RoundResourceReport(label: "idle", nodes: [Self.node("peer0", cpuSeconds: 0.1)])
        let federation = RoundCost.costs(of: resources, transactions: 0)[0]
        #expect(CostFigure.cpuPerTransaction.value(of: federation).isNaN)
        let summary = CostSummary.summarise([[federation], [federation]], confidence: 0.95)
        #expect(summary[0].statistics(.cpuPerTransaction)?.interval == nil)
    }

    @Test func summariesCarryEveryScopeOverRepetitions() throws {
        let repetitions = [0.6, 0.7, 0.8].map { cpu in
            RoundCost.costs(of: RoundResourceReport(label: "open", nodes: [Self.node("peer0", cpuSeconds: cpu)]), transactions: 1000)
        }
        let summaries = CostSummary.summarise(repetitions, confidence: 0.95)
        #expect(summaries.map(\.scope) == ["federation", "peer0"])
        let cpu = try #require(summaries[1].statistics(.cpuPerTransaction))
        #expect(cpu.values.map { $0.rounded() } == [600, 700, 800])
        #expect(cpu.polarity == .lowerIsBetter)
        #expect(abs(try #require(cpu.interval).mean - 700) < 1e-9)
    }
}
